"""POST and GET /graphql: the GraphQL-over-HTTP specification, as a plain ASGI endpoint.

https://graphql.github.io/graphql-over-http/draft/ — what this endpoint does:

- The answer's media type follows the request's `Accept`: `application/graphql-response+json`
  when the client accepts it (preferred on a tie), else `application/json` (also when
  `Accept` is missing or says `*/*`); neither acceptable: 406. The `Content-Type` of the answer
  says which, with `charset=utf-8`.
- Under `application/graphql-response+json` a request that fails before execution (the
  document does not parse or validate, the operation is unknown, the variables do not
  coerce, the cost estimate is over the maximum) is answered 400, without a `data` entry.
  Under `application/json` (legacy clients) the same answers are 200 with `"data": null`.
- POST takes `application/json` bodies (utf-8: a `charset` other than utf-8 is refused);
  GET takes `query`, `operationName`, and `variables`/`extensions` as JSON strings in the URL,
  and runs queries only: a mutation via GET is 405 with `Allow: POST`.
- Transport failures get a GraphQL-shaped JSON body, never plain text:
  `{"errors": [{"message": …, "extensions": {"code": …}}]}` with codes BAD_REQUEST (400: bad
  JSON, empty body, batch, missing/non-string `query`, non-object `variables`/`extensions`,
  non-string `operationName`), UNSUPPORTED_MEDIA_TYPE (415: missing or other content type),
  METHOD_NOT_ALLOWED (405), NOT_ACCEPTABLE (406), and the persisted operations' codes and
  statuses (`app.graphql.engine.persisted`: PERSISTED_QUERY_NOT_FOUND, OPERATION_NOT_TRUSTED…).
- Persisted operations: `PersistedOperations.resolve` turns the request's `query` and
  `extensions` (a hash in `extensions.persistedQuery`) into the text to run before anything
  else; a trusted document is prepared when first asked for and kept for good.
- A browser's GET (Accept: text/html, no `query`) gets the GraphiQL playground when it is on.

The pipeline is lean: a document's text maps to a `PreparedDocument` (parsed, validated with
our rules, and per operation name the operation, its type and its cost plan), LRU-cached, so a
repeated document costs none of that work. Execution calls graphql-core's executor
(`PlainFieldExecutor`) directly, under the request's `Deadline`; errors are shaped by
`shape_errors`; the body is encoded by orjson. Every answer carries `extensions.cost`.
The Context is the same as before (`app.graphql.context.get_context`), with a Starlette
`Response` as `context.response`, whose headers (e.g. the refresh cookie) reach the answer.
"""

from __future__ import annotations

import json
from collections import OrderedDict
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any, TypeGuard, cast
from urllib.parse import parse_qsl

import orjson
from graphql import (
    ASTValidationRule,
    DocumentNode,
    ExecutionResult,
    GraphQLError,
    GraphQLSchema,
    OperationDefinitionNode,
    OperationType,
    parse,
    validate,
)
from graphql.utilities import get_operation_ast
from starlette.requests import Request
from starlette.responses import Response
from starlette.types import Receive, Scope, Send
from strawberry.execution import optimized_is_awaitable

from app.core.middleware import header
from app.core.settings import Settings
from app.graphql.engine.cost import CostPlan, plan_cost
from app.graphql.engine.errors import shape_errors
from app.graphql.engine.fast_execution import PlainFieldExecutor
from app.graphql.engine.limits import primary_known, too_costly
from app.graphql.engine.persisted import PersistedOperations, PersistedQueryError
from app.graphql.engine.playground import playground_page
from app.graphql.engine.timeout import Deadline

JSON = "application/json"
GRAPHQL_RESPONSE = "application/graphql-response+json"
_CONTENT_TYPES = {
    JSON: b"application/json; charset=utf-8",
    GRAPHQL_RESPONSE: b"application/graphql-response+json; charset=utf-8",
}
PREPARED_CACHE_SIZE = 1024
# A request body larger than this is refused (413) before it is parsed: a document is held to
# `max_tokens` anyway, and files go to POST /uploads.
MAX_BODY_BYTES = 1024 * 1024
ContextGetter = Callable[[Request], Awaitable[Any]]


def _is_awaitable(value: Any) -> TypeGuard[Awaitable[Any]]:
    return optimized_is_awaitable(value)


class HTTPFailure(Exception):
    """A request refused before GraphQL sees it, answered with a GraphQL-shaped body."""

    def __init__(
        self, status: int, code: str, message: str, headers: Mapping[str, str] | None = None
    ) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.headers = dict(headers or {})


def _bad_request(message: str) -> HTTPFailure:
    return HTTPFailure(400, "BAD_REQUEST", message)


@dataclass(frozen=True)
class PreparedOperation:
    """One operation of a prepared document: what to run, its kind and its cost plan; or
    the request error of an operation name that selects none."""

    operation: OperationDefinitionNode | None
    cost: CostPlan
    error: GraphQLError | None = None

    @property
    def kind(self) -> OperationType | None:
        return self.operation.operation if self.operation else None


@dataclass
class PreparedDocument:
    """A document's text, parsed and validated once: its errors, or the document."""

    document: DocumentNode | None
    errors: list[GraphQLError]
    operations: dict[str | None, PreparedOperation] = field(default_factory=dict)


class PreparedDocuments:
    """Documents by text (LRU); a trusted document is kept for the life of the process."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: tuple[type[ASTValidationRule], ...],
        settings: Settings,
        size: int = PREPARED_CACHE_SIZE,
    ) -> None:
        self.schema = schema
        self.rules = rules
        self.max_tokens = settings.max_tokens
        self.list_size = settings.query_cost_list_size
        self.size = size
        self._recent: OrderedDict[str, PreparedDocument] = OrderedDict()
        self._trusted: set[str] = set()
        self._pinned: dict[str, PreparedDocument] = {}

    def get(self, text: str) -> PreparedDocument:
        prepared = self._pinned.get(text)
        if prepared is not None:
            return prepared
        if text in self._trusted:
            return self.pin(text)
        prepared = self._recent.get(text)
        if prepared is None:
            prepared = self._recent[text] = self._prepare(text)
            if len(self._recent) > self.size:
                self._recent.popitem(last=False)
        else:
            self._recent.move_to_end(text)
        return prepared

    def trust(self, text: str) -> None:
        """Keep a document for the life of the process once it is first asked for (the
        trusted documents): prepared then, once, never evicted by the LRU. Not at startup:
        preparing the web app's 117 documents took 0.65 s for every app built."""
        self._trusted.add(text)

    def pin(self, text: str) -> PreparedDocument:
        """Prepare a document for good."""
        prepared = self._pinned.get(text) or self._prepare(text)
        self._pinned[text] = prepared
        for operation in prepared.document.definitions if prepared.document else ():
            if isinstance(operation, OperationDefinitionNode) and operation.name:
                self.operation(prepared, operation.name.value)
        return prepared

    def _prepare(self, text: str) -> PreparedDocument:
        try:
            document = parse(text, max_tokens=self.max_tokens)
        except GraphQLError as error:
            return PreparedDocument(None, [error])
        errors = validate(self.schema, document, self.rules)
        return PreparedDocument(None if errors else document, errors)

    def operation(self, prepared: PreparedDocument, name: str | None) -> PreparedOperation:
        found = prepared.operations.get(name)
        if found is None:
            assert prepared.document is not None  # noqa: S101 (only valid documents run)
            operation = get_operation_ast(prepared.document, name)
            if operation is None:
                message = (
                    f"Unknown operation named '{name}'."
                    if name
                    else "Must provide operation name if query contains multiple operations."
                )
                found = PreparedOperation(None, CostPlan(0), GraphQLError(message))
            else:
                cost = plan_cost(self.schema, prepared.document, name, self.list_size)
                found = PreparedOperation(operation, cost)
            prepared.operations[name] = found
        return found


@dataclass(frozen=True)
class GraphQLRequest:
    query: str | None
    operation_name: str | None
    variables: dict[str, Any] | None
    extensions: dict[str, Any] | None


def negotiate(accept: str | None) -> str | None:
    """The media type of the answer for this `Accept`, or None when neither is acceptable."""
    if not accept:
        return JSON
    best: str | None = None
    best_q = 0.0
    for part in accept.split(","):
        media, *parameters = part.split(";")
        media = media.strip().lower()
        if media == GRAPHQL_RESPONSE:
            candidate = GRAPHQL_RESPONSE
        elif media in (JSON, "application/*", "*/*"):
            candidate = JSON
        else:
            continue
        q = 1.0
        for parameter in parameters:
            name, _, value = parameter.partition("=")
            if name.strip().lower() == "q":
                try:
                    q = float(value.strip())
                except ValueError:
                    q = 0.0
        if q > best_q or (q == best_q and q > 0 and candidate == GRAPHQL_RESPONSE):
            best, best_q = candidate, q
    return best


def _json_content_type(value: str | None) -> bool:
    """Whether a request's Content-Type is JSON in utf-8 (the spec's default charset)."""
    if value is None:
        return False
    media, *parameters = value.split(";")
    if media.strip().lower() != JSON:
        return False
    for parameter in parameters:
        name, _, charset = parameter.partition("=")
        if name.strip().lower() == "charset" and charset.strip().strip('"').lower() not in (
            "utf-8",
            "utf8",
        ):
            return False
    return True


def _object(value: Any, name: str) -> dict[str, Any] | None:
    if value is None or isinstance(value, dict):
        return value
    raise _bad_request(f"The '{name}' parameter must be a JSON object (a map).")


def _params(payload: Mapping[str, Any]) -> GraphQLRequest:
    query = payload.get("query")
    if query is not None and not isinstance(query, str):
        raise _bad_request("The 'query' parameter must be a string.")
    operation_name = payload.get("operationName")
    if operation_name is not None and not isinstance(operation_name, str):
        raise _bad_request("The 'operationName' parameter must be a string.")
    return GraphQLRequest(
        query,
        operation_name or None,
        _object(payload.get("variables"), "variables"),
        _object(payload.get("extensions"), "extensions"),
    )


def _decode_json(raw: bytes | str, what: str) -> Any:
    try:
        return orjson.loads(raw)
    except orjson.JSONDecodeError:
        raise _bad_request(f"{what} is not valid JSON.") from None


async def _read_body(receive: Receive) -> bytes:
    chunks, size = [], 0
    while True:
        message = await receive()
        if message["type"] == "http.disconnect":
            break
        chunk = message.get("body", b"")
        size += len(chunk)
        if size > MAX_BODY_BYTES:
            raise HTTPFailure(
                413,
                "TOO_LARGE",
                f"The request body is over {MAX_BODY_BYTES:,} bytes; files go to POST /uploads.",
            )
        chunks.append(chunk)
        if not message.get("more_body", False):
            break
    return b"".join(chunks)


async def _post_params(scope: Scope, receive: Receive) -> GraphQLRequest:
    if not _json_content_type(header(scope, b"content-type")):
        raise HTTPFailure(
            415,
            "UNSUPPORTED_MEDIA_TYPE",
            "Send the request as 'Content-Type: application/json' (utf-8).",
        )
    body = await _read_body(receive)
    if not body.strip():
        raise _bad_request("The request body is empty: send a JSON object with a 'query'.")
    payload = _decode_json(body, "The request body")
    if isinstance(payload, list):
        raise _bad_request("Batched requests are not supported: send one operation per request.")
    if not isinstance(payload, dict):
        raise _bad_request("The request body must be a JSON object.")
    return _params(payload)


def _get_params(scope: Scope) -> GraphQLRequest:
    pairs = parse_qsl(scope["query_string"].decode("latin-1"), keep_blank_values=True)
    raw: dict[str, Any] = {}
    for name, value in pairs:
        raw.setdefault(name, value)
    for name in ("variables", "extensions"):
        if raw.get(name):
            raw[name] = _decode_json(raw[name], f"The '{name}' parameter")
        else:
            raw.pop(name, None)
    return _params(raw)


def _encode(body: Mapping[str, Any]) -> bytes:
    try:
        return orjson.dumps(body)
    except TypeError:  # a value orjson does not know: the standard encoder's answer
        return json.dumps(body, default=str).encode()


class GraphQLHTTPEndpoint:
    """The ASGI endpoint of POST and GET /graphql (WebSockets stay with Strawberry's router)."""

    def __init__(
        self,
        schema: GraphQLSchema,
        rules: tuple[type[ASTValidationRule], ...],
        settings: Settings,
        context_getter: ContextGetter,
        persisted: PersistedOperations | None = None,
    ) -> None:
        self.schema = schema
        self.context_getter = context_getter
        self.settings = settings
        self.documents = PreparedDocuments(schema, rules, settings)
        self.max_cost = settings.max_query_cost
        self.timeout_seconds = settings.request_timeout_seconds
        self.no_primary_seconds = min(
            settings.request_timeout_seconds, settings.server_selection_timeout_ms / 1000
        )
        self.persisted = persisted
        for text in persisted.trusted_documents() if persisted else ():
            self.documents.trust(text)
        self._cost_zero = {"cost": {"requested": 0, "maximum": self.max_cost}}

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        method = scope["method"]
        if method == "GET" and self._wants_page(scope):
            if not self.settings.playground_enabled:
                await self._failure(send, JSON, HTTPFailure(404, "NOT_FOUND", "Not found."))
                return
            await playground_page(self.settings)(scope, receive, send)
            return
        media = negotiate(header(scope, b"accept"))
        try:
            if media is None:
                raise HTTPFailure(
                    406,
                    "NOT_ACCEPTABLE",
                    f"Accept '{GRAPHQL_RESPONSE}' or '{JSON}': no other media type is served.",
                )
            if method == "POST":
                params = await _post_params(scope, receive)
            elif method == "GET":
                params = _get_params(scope)
            else:
                raise HTTPFailure(
                    405,
                    "METHOD_NOT_ALLOWED",
                    "GraphQL is served over POST (and GET for queries).",
                    {"Allow": "GET, POST"},
                )
            await self._run(scope, receive, send, media, params)
        except HTTPFailure as failure:
            await self._failure(send, media or JSON, failure)

    def _wants_page(self, scope: Scope) -> bool:
        accept = header(scope, b"accept") or ""
        asked = scope["query_string"]
        return "text/html" in accept and b"query=" not in asked and b"extensions=" not in asked

    def _resolve(self, params: GraphQLRequest) -> str:
        """The document to run: the query, or the persisted one its hash stands for."""
        if self.persisted is not None:
            try:
                text, _trusted = self.persisted.resolve(params.query, params.extensions)
            except PersistedQueryError as refused:
                raise HTTPFailure(refused.status, refused.code, refused.message) from None
            return text
        if params.query is None:
            raise _bad_request("The 'query' parameter is missing: send the document as a string.")
        return params.query

    async def _run(
        self, scope: Scope, receive: Receive, send: Send, media: str, params: GraphQLRequest
    ) -> None:
        text = self._resolve(params)
        prepared = self.documents.get(text)
        if prepared.document is None:
            await self._request_errors(send, media, prepared.errors)
            return
        prepared_operation = self.documents.operation(prepared, params.operation_name)
        if prepared_operation.error is not None:
            await self._request_errors(send, media, [prepared_operation.error])
            return
        kind = prepared_operation.kind
        if kind is OperationType.SUBSCRIPTION:
            raise _bad_request(
                "Subscriptions are served over WebSocket (graphql-transport-ws) at /graphql."
            )
        if kind is OperationType.MUTATION and scope["method"] == "GET":
            raise HTTPFailure(
                405,
                "METHOD_NOT_ALLOWED",
                "Mutations are only accepted over POST.",
                {"Allow": "POST"},
            )
        requested = prepared_operation.cost.requested(params.variables)
        cost = {"cost": {"requested": requested, "maximum": self.max_cost}}
        if requested > self.max_cost:
            await self._request_errors(send, media, [too_costly(requested, self.max_cost)], cost)
            return
        context = await self.context_getter(Request(scope, receive))
        response = context.response = Response()
        deadline = Deadline(
            self.timeout_seconds if primary_known(context) else self.no_primary_seconds
        )
        before_execution = False
        with deadline:
            executor = PlainFieldExecutor.build(
                self.schema,
                prepared.document,
                context_value=context,
                raw_variable_values=params.variables,
                operation_name=params.operation_name,
                is_awaitable=_is_awaitable,
            )
            if isinstance(executor, list):
                result = ExecutionResult(None, executor)
                before_execution = True
            else:
                try:
                    outcome = executor.execute_operation()
                    result = cast(
                        ExecutionResult, await outcome if _is_awaitable(outcome) else outcome
                    )
                except Exception as error:  # masked as INTERNAL and logged by shape_errors
                    result = ExecutionResult(None, [GraphQLError(str(error), original_error=error)])
        if before_execution:
            await self._request_errors(send, media, result.errors or [], cost)
            return
        deadline.mark(result)
        body: dict[str, Any] = {"data": result.data}
        if result.errors:
            body["errors"] = [e.formatted for e in shape_errors(result.errors)]
        body["extensions"] = cost
        headers = [
            (name, value)
            for name, value in response.raw_headers
            if name not in (b"content-length", b"content-type")
        ]
        await self._send(send, 200, media, _encode(body), headers)

    async def _request_errors(
        self,
        send: Send,
        media: str,
        errors: list[GraphQLError],
        extensions: dict[str, Any] | None = None,
    ) -> None:
        """Errors before execution: 400 without `data` under graphql-response+json, 200 with
        `"data": null` under application/json."""
        formatted = [e.formatted for e in shape_errors(errors)]
        extensions = extensions or self._cost_zero
        if media == GRAPHQL_RESPONSE:
            body: dict[str, Any] = {"errors": formatted, "extensions": extensions}
            await self._send(send, 400, media, _encode(body))
        else:
            body = {"data": None, "errors": formatted, "extensions": extensions}
            await self._send(send, 200, media, _encode(body))

    async def _failure(self, send: Send, media: str, failure: HTTPFailure) -> None:
        body = {
            "errors": [{"message": failure.message, "extensions": {"code": failure.code}}],
            "extensions": self._cost_zero,
        }
        headers = [(k.lower().encode(), v.encode()) for k, v in failure.headers.items()]
        await self._send(send, failure.status, media, _encode(body), headers)

    async def _send(
        self,
        send: Send,
        status: int,
        media: str,
        body: bytes,
        headers: list[tuple[bytes, bytes]] | None = None,
    ) -> None:
        await send(
            {
                "type": "http.response.start",
                "status": status,
                "headers": [
                    (b"content-type", _CONTENT_TYPES[media]),
                    (b"content-length", str(len(body)).encode()),
                    *(headers or ()),
                ],
            }
        )
        await send({"type": "http.response.body", "body": body})
