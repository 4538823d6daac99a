import { documentHash, manifestText } from "../apollo/persisted";
import { WebRefreshDocument, type WebRefreshMutation } from "../gql/graphql";
import type { AccessToken } from "./session";

/** Every request of the web app says so: the API then keeps the refresh token in a cookie. */
export const CLIENT_HEADER = { "X-Envelopes-Client": "web" } as const;

export const GRAPHQL_PATH = "/graphql";

const REFRESH_HASH = documentHash(WebRefreshDocument) ?? "";

export class OfflineError extends Error {}

const TRANSIENT = new Set(["UNAVAILABLE", "TIMEOUT", "RATE_LIMITED", "INTERNAL"]);

export function accessTokenOf(
  payload: { accessToken: string | null; accessTokenExpiresAt: string | null },
  now: number = Date.now(),
): AccessToken | null {
  if (!payload.accessToken || !payload.accessTokenExpiresAt) return null;
  return { token: payload.accessToken, expiresAt: Date.parse(payload.accessTokenExpiresAt), issuedAt: now };
}

function postRefresh(fetchImpl: typeof fetch, query?: string): Promise<Response> {
  const extensions = { persistedQuery: { version: 1, sha256Hash: REFRESH_HASH } };
  return fetchImpl(GRAPHQL_PATH, {
    method: "POST",
    credentials: "same-origin",
    headers: { "Content-Type": "application/json", Accept: "application/json", ...CLIENT_HEADER },
    body: JSON.stringify({ query, operationName: "WebRefresh", variables: { input: {} }, extensions }),
  });
}

async function isPersistedQueryMiss(response: Response): Promise<boolean> {
  const body = (await response.clone().json().catch(() => null)) as { errors?: { extensions?: { code?: string } }[] } | null;
  return body?.errors?.some((error) => error.extensions?.code === "PERSISTED_QUERY_NOT_FOUND") ?? false;
}

/** Trades the refresh cookie for a new access token (the API rotates the cookie). */
export async function refreshWithCookie(fetchImpl: typeof fetch = fetch): Promise<AccessToken | null> {
  let response: Response;
  try {
    // By hash, as every operation of the web app (src/apollo/persisted.ts); the text only when
    // the API does not know the hash.
    response = await postRefresh(fetchImpl);
    if (await isPersistedQueryMiss(response)) response = await postRefresh(fetchImpl, await manifestText(REFRESH_HASH));
  } catch (error) {
    throw new OfflineError(error instanceof Error ? error.message : "network error");
  }
  if (response.status >= 500 || response.status === 429) throw new OfflineError(`HTTP ${response.status}`);
  const body = (await response.json()) as {
    data?: WebRefreshMutation | null;
    errors?: { extensions?: { code?: string } }[];
  };
  const payload = body.data?.refreshToken;
  if (!payload) {
    const code = body.errors?.[0]?.extensions?.code;
    // An election, a timeout, a limit: the login may well be fine; try again later.
    if (!code || TRANSIENT.has(code)) throw new OfflineError(`refresh failed (${code ?? "no answer"})`);
    return null;
  }
  return accessTokenOf(payload);
}
