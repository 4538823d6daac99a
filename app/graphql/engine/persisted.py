"""Persisted operations: clients send a document's SHA-256 instead of its text.

- **Automatic persisted queries** (Apollo's protocol): a request carries
  `extensions.persistedQuery = {"version": 1, "sha256Hash": "<hex>"}`. With the hash alone the
  API runs the document it knows by that hash, or answers PERSISTED_QUERY_NOT_FOUND; Apollo
  Client's `PersistedQueryLink` then sends the hash again with the full text, which the API
  checks (the SHA-256 of the text must be the hash), remembers and runs. Each API process learns
  documents on its own (a bounded LRU in memory): behind a load balancer a client may meet the
  miss once per process, which costs one extra round trip, never a failure.
- **Trusted documents**: the web app's codegen writes a manifest of its operations
  (`web/src/gql/persisted-documents.json`: hash → text; its build copies it beside the app,
  `web/dist/persisted-documents.json`), and an operator may allow more
  (`trusted_documents_extra`: a manifest of the same shape, a `.graphql` file or a folder of
  them). Their documents are known by hash from the start and reported as trusted (the HTTP
  handler prepares them once: no parse, validation or cost estimate per request). With
  `trusted_documents = "required"` only they run: any other document, by hash or by text, is
  refused with OPERATION_NOT_TRUSTED and APQ learns nothing.

Apollo Client 4's link retries with the full text on the code PERSISTED_QUERY_NOT_FOUND (or
the message "PersistedQueryNotFound"), whatever the HTTP status, as long as the body is a
GraphQL response; it gives up on persisted queries for good only on
PERSISTED_QUERY_NOT_SUPPORTED, which this module never answers.
"""

from __future__ import annotations

import hashlib
import json
import logging
import re
from collections import OrderedDict
from collections.abc import Iterable, Mapping
from pathlib import Path

from app.core.settings import Settings

log = logging.getLogger("envelopes.graphql")

APQ_VERSION = 1
_SHA256_HEX = re.compile(r"[0-9a-f]{64}")


class PersistedQueryError(Exception):
    """A request the persisted-operations rules refuse: answered as a GraphQL error with
    `extensions.code = code` and the HTTP status `status` (nothing of the request runs)."""

    def __init__(self, code: str, message: str, status: int = 400) -> None:
        super().__init__(message)
        self.code = code
        self.message = message
        self.status = status


def not_found() -> PersistedQueryError:
    # The message is Apollo's own: clients that match on it rather than on the code retry too.
    return PersistedQueryError("PERSISTED_QUERY_NOT_FOUND", "PersistedQueryNotFound")


def not_trusted() -> PersistedQueryError:
    return PersistedQueryError(
        "OPERATION_NOT_TRUSTED",
        "This API runs only the operations of its trusted documents (the web app's and the "
        "operator's allow-list); this one is not among them.",
        403,
    )


class ManifestError(ValueError):
    """A trusted-documents manifest that is missing, malformed or whose hashes do not match."""


def document_hash(text: str) -> str:
    """The SHA-256 of a document's text (UTF-8), in lowercase hex: Apollo's `sha256Hash`."""
    return hashlib.sha256(text.encode()).hexdigest()


def load_manifest(path: Path) -> dict[str, str]:
    """A manifest `{"<sha256 hex>": "<document>"}`, each hash checked against its document."""
    try:
        entries = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as error:
        raise ManifestError(f"cannot read the trusted documents in {path}: {error}") from error
    if not isinstance(entries, dict):
        raise ManifestError(f"{path} is not a JSON object of hash → document")
    for key, text in entries.items():
        if not isinstance(text, str) or document_hash(text) != key:
            raise ManifestError(f"{path}: the document under {key!r} does not have that hash")
    return dict(entries)


def load_allow_list(path: Path) -> dict[str, str]:
    """The operator's further documents: a manifest (`.json`), one `.graphql` file (its whole
    text is one document) or a folder of `.graphql` files (recursively)."""
    if path.is_dir():
        files = sorted(path.rglob("*.graphql"))
    elif path.suffix == ".json":
        return load_manifest(path)
    else:
        files = [path]
    try:
        texts = [file.read_text(encoding="utf-8") for file in files]
    except OSError as error:
        raise ManifestError(f"cannot read the allowed documents in {path}: {error}") from error
    return {document_hash(text): text for text in texts}


class LearnedDocuments:
    """Documents registered through APQ, least recently used first out."""

    def __init__(self, capacity: int) -> None:
        self.capacity = capacity
        self._documents: OrderedDict[str, str] = OrderedDict()

    def __len__(self) -> int:
        return len(self._documents)

    def get(self, key: str) -> str | None:
        text = self._documents.get(key)
        if text is not None:
            self._documents.move_to_end(key)
        return text

    def put(self, key: str, text: str) -> None:
        if self.capacity == 0:
            return
        self._documents[key] = text
        self._documents.move_to_end(key)
        while len(self._documents) > self.capacity:
            self._documents.popitem(last=False)


def _requested_hash(extensions: Mapping[str, object] | None) -> str | None:
    """The hash of `extensions.persistedQuery`, or None when the request has none."""
    persisted = extensions.get("persistedQuery") if extensions else None
    if persisted is None:
        return None
    if not isinstance(persisted, Mapping):
        raise PersistedQueryError("BAD_REQUEST", "extensions.persistedQuery must be an object")
    version = persisted.get("version")
    if type(version) is not int or version != APQ_VERSION:
        raise PersistedQueryError(
            "PERSISTED_QUERY_VERSION_UNSUPPORTED",
            f"Unsupported persisted query version {version!r}: only {APQ_VERSION} is.",
        )
    key = persisted.get("sha256Hash")
    if not isinstance(key, str) or not _SHA256_HEX.fullmatch(key.lower()):
        raise PersistedQueryError(
            "BAD_REQUEST", "extensions.persistedQuery.sha256Hash must be a SHA-256 in hex"
        )
    return key.lower()


class PersistedOperations:
    """What a request's `query` and `extensions` stand for (see the module docstring)."""

    def __init__(
        self, trusted: Mapping[str, str], *, required: bool = False, cache_size: int = 1000
    ) -> None:
        self.required = required
        self._trusted = dict(trusted)
        self._trusted_texts = frozenset(self._trusted.values())
        self.learned = LearnedDocuments(0 if required else cache_size)

    @classmethod
    def from_settings(cls, settings: Settings) -> PersistedOperations:
        """Loads the web app's manifest (required when trusted documents are) and the
        operator's allow-list; raises ManifestError when they cannot be used."""
        required = settings.trusted_documents == "required"
        manifest = settings.trusted_documents_manifest_path
        trusted: dict[str, str] = {}
        if manifest.exists() or required:
            trusted |= load_manifest(manifest)
        else:
            log.info("no trusted documents manifest at %s: APQ only", manifest)
        if settings.trusted_documents_extra is not None:
            trusted |= load_allow_list(settings.trusted_documents_extra)
        return cls(trusted, required=required, cache_size=settings.persisted_queries_cache_size)

    def trusted_documents(self) -> Iterable[str]:
        return self._trusted.values()

    def resolve(
        self, query: str | None, extensions: Mapping[str, object] | None
    ) -> tuple[str, bool]:
        """The document text to run and whether it is trusted; raises PersistedQueryError."""
        key = _requested_hash(extensions)
        if key is None:
            if query is None:
                raise PersistedQueryError(
                    "BAD_REQUEST",
                    "A request needs a query, or a persisted query's hash in "
                    "extensions.persistedQuery.",
                )
            return self._text(query)
        if query is None:
            return self._known(key)
        if document_hash(query) != key:
            raise PersistedQueryError(
                "PERSISTED_QUERY_HASH_MISMATCH",
                "extensions.persistedQuery.sha256Hash is not the SHA-256 of the query.",
            )
        trusted = key in self._trusted
        if not trusted:
            if self.required:
                raise not_trusted()
            self.learned.put(key, query)
        return query, trusted

    def resolve_subscription(
        self, query: str, extensions: Mapping[str, object] | None
    ) -> tuple[str, bool]:
        """For a subscription over the WebSocket, where the text always travels (graphql-ws
        requires it) and APQ is not used: a trusted hash beside it selects the trusted text
        (the client's printing of the same document may differ); otherwise the text runs,
        when trusted documents are required only if it is one of them."""
        try:
            key = _requested_hash(extensions)
        except PersistedQueryError:
            key = None
        if key is not None and key in self._trusted:
            return self._trusted[key], True
        return self._text(query)

    def _text(self, query: str) -> tuple[str, bool]:
        trusted = query in self._trusted_texts
        if self.required and not trusted:
            raise not_trusted()
        return query, trusted

    def _known(self, key: str) -> tuple[str, bool]:
        text = self._trusted.get(key)
        if text is not None:
            return text, True
        if self.required:  # nothing else can run: no point asking for the text
            raise not_trusted()
        text = self.learned.get(key)
        if text is None:
            raise not_found()
        return text, False
