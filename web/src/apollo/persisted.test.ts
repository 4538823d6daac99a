import { createHash } from "node:crypto";

import { ApolloClient, gql } from "@apollo/client";

import { Session } from "../auth/session";
import { refreshWithCookie } from "../auth/transport";
import { AlertBellRaisedDocument, ViewerDocument, WebRefreshDocument, WebSignOutDocument } from "../gql/graphql";
import manifest from "../gql/persisted-documents.json";
import { createCache } from "./cache";
import { createClient, httpLink } from "./client";
import { documentHash } from "./persisted";

type Sent = { method: string; url: string; body: Record<string, unknown> | null };

const VIEWER = { __typename: "Query", me: { __typename: "User", id: "U1", email: "a@example.com", displayName: "Ana", avatarColor: "#123456" } };
const NOT_FOUND = { errors: [{ message: "PersistedQueryNotFound", extensions: { code: "PERSISTED_QUERY_NOT_FOUND" } }] };

/** A GET request's parameters as a POST body would carry them. */
function fromURL(url: string): Record<string, unknown> {
  const body: Record<string, unknown> = {};
  for (const [name, value] of new URL(url, "http://web.test").searchParams) {
    body[name] = name === "variables" || name === "extensions" ? JSON.parse(value) : value;
  }
  return body;
}

function persistedQuery(request: Sent | undefined): unknown {
  return (request?.body?.["extensions"] as Record<string, unknown> | undefined)?.["persistedQuery"];
}

function sha256(text: string): string {
  return createHash("sha256").update(text).digest("hex");
}

/** A fake API: records each request and answers from `answers` in turn. */
function api(...answers: { status: number; body: unknown; type?: string }[]): { fetch: typeof fetch; sent: Sent[] } {
  const sent: Sent[] = [];
  const fetchImpl = async (url: RequestInfo | URL, init?: RequestInit): Promise<Response> => {
    const method = init?.method ?? "GET";
    sent.push({ method, url: String(url), body: method === "GET" ? fromURL(String(url)) : (JSON.parse(String(init?.body)) as Record<string, unknown>) });
    const answer = answers.shift() ?? { status: 500, body: {} };
    return new Response(JSON.stringify(answer.body), {
      status: answer.status,
      headers: { "Content-Type": answer.type ?? "application/graphql-response+json" },
    });
  };
  return { fetch: fetchImpl as typeof fetch, sent };
}

function client(fetchImpl: typeof fetch): ApolloClient {
  return new ApolloClient({ link: httpLink(fetchImpl), cache: createCache() });
}

describe("persisted operations", () => {
  const viewerHash = documentHash(ViewerDocument) ?? "";

  it("gives every document of src/gql the hash of its text in the manifest", () => {
    const entries = Object.entries(manifest as Record<string, string>);
    expect(entries.length).toBeGreaterThan(50);
    for (const [hash, text] of entries) expect(sha256(text)).toBe(hash);
    expect((manifest as Record<string, string>)[viewerHash]).toMatch(/^query Viewer \{/);
  });

  it("sends a query's build hash without the text when the API knows it", async () => {
    const { fetch, sent } = api({ status: 200, body: { data: VIEWER } });
    const result = await client(fetch).query({ query: ViewerDocument, fetchPolicy: "network-only" });

    expect(result.data?.me?.email).toBe("a@example.com");
    expect(sent).toHaveLength(1);
    expect(sent[0]?.method).toBe("POST");
    expect(sent[0]?.body).not.toHaveProperty("query");
    expect(persistedQuery(sent[0])).toEqual({ version: 1, sha256Hash: viewerHash });
  });

  it.each(["application/graphql-response+json", "application/json"])(
    "after PERSISTED_QUERY_NOT_FOUND (400, %s) sends the manifest's text of the hash, and keeps using hashes",
    async (type) => {
      const { fetch, sent } = api(
        { status: 400, body: NOT_FOUND, type },
        { status: 200, body: { data: VIEWER } },
        { status: 200, body: { data: VIEWER } },
      );
      const apollo = client(fetch);
      const first = await apollo.query({ query: ViewerDocument, fetchPolicy: "network-only" });
      const again = await apollo.query({ query: ViewerDocument, fetchPolicy: "network-only" });

      expect(first.data?.me?.id).toBe("U1");
      expect(again.data?.me?.id).toBe("U1");
      const retry = sent[1]?.body ?? {};
      expect(persistedQuery(sent[1])).toEqual({ version: 1, sha256Hash: viewerHash });
      expect(sha256(String(retry["query"]))).toBe(viewerHash);
      expect(sent.map((request) => request.method)).toEqual(["POST", "POST", "POST"]);
      expect(sent[2]?.body).not.toHaveProperty("query");
    },
  );

  it("hands an untrusted refusal back without retrying", async () => {
    const refusal = { errors: [{ message: "not trusted", extensions: { code: "OPERATION_NOT_TRUSTED" } }] };
    const { fetch, sent } = api({ status: 403, body: refusal });
    const result = await client(fetch).query({ query: ViewerDocument, fetchPolicy: "network-only", errorPolicy: "all" });

    expect(result.error?.message).toContain("not trusted");
    expect(sent).toHaveLength(1);
  });

  it("sends mutations by hash too, always by POST", async () => {
    const { fetch, sent } = api({ status: 200, body: { data: { __typename: "Mutation", logout: { __typename: "LogoutPayload", ok: true, userErrors: [] } } } });
    await client(fetch).mutate({ mutation: WebSignOutDocument, variables: { input: {} } });

    expect(sent[0]?.method).toBe("POST");
    expect(persistedQuery(sent[0])).toEqual({ version: 1, sha256Hash: documentHash(WebSignOutDocument) });
  });

  it("sends a document from elsewhere (no build hash) as text, without a hash", async () => {
    const { fetch, sent } = api({ status: 200, body: { data: { __typename: "Query" } } });
    await client(fetch).query({ query: gql`query Plain { __typename }`, fetchPolicy: "network-only" });

    expect(sent[0]?.body?.["query"]).toContain("query Plain");
    expect(persistedQuery(sent[0])).toBeUndefined();
  });

  it("refreshes the session by hash, and with the manifest's text after a miss", async () => {
    const refreshed = { refreshToken: { accessToken: "T1", accessTokenExpiresAt: "2030-01-01T00:00:00Z", userErrors: [] } };
    const { fetch, sent } = api({ status: 400, body: NOT_FOUND, type: "application/json" }, { status: 200, body: { data: refreshed } });
    const token = await refreshWithCookie(fetch);

    const hash = documentHash(WebRefreshDocument);
    expect(token?.token).toBe("T1");
    expect(sent[0]?.body).not.toHaveProperty("query");
    expect(persistedQuery(sent[0])).toEqual({ version: 1, sha256Hash: hash });
    expect(sha256(String(sent[1]?.body?.["query"]))).toBe(hash);
  });

  it("sends a subscription's text over the socket with the build's hash beside it", async () => {
    const subscribed: { query: string; extensions?: Record<string, unknown> }[] = [];
    const sockets = {
      subscribe(payload: { query: string; extensions?: Record<string, unknown> }) {
        subscribed.push(payload);
        return () => undefined;
      },
    } as unknown as Parameters<typeof createClient>[2];
    const session = new Session(async () => null, { withLock: (_name, task) => task(), post: () => undefined, listen: () => () => undefined });
    const subscription = createClient(session, api().fetch, sockets).subscribe({ query: AlertBellRaisedDocument }).subscribe(() => undefined);
    await new Promise((resolve) => setTimeout(resolve, 0));
    subscription.unsubscribe();

    expect(subscribed).toHaveLength(1);
    expect(subscribed[0]?.query).toContain("subscription AlertBellRaised");
    expect(subscribed[0]?.extensions?.["persistedQuery"]).toEqual({ version: 1, sha256Hash: documentHash(AlertBellRaisedDocument) });
  });
});
