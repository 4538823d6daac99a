import { print } from "graphql";

import { WebRefreshDocument, type WebRefreshMutation } from "../gql/graphql";
import type { AccessToken } from "./session";

/** Every request of the web app says so: the API then keeps the refresh token in a cookie. */
export const CLIENT_HEADER = { "X-Envelopes-Client": "web" } as const;

export const GRAPHQL_PATH = "/graphql";

const REFRESH_QUERY = print(WebRefreshDocument);

export class OfflineError extends Error {}

const TRANSIENT = new Set(["UNAVAILABLE", "TIMEOUT", "RATE_LIMITED", "INTERNAL"]);

export function accessTokenOf(
  payload: { accessToken: string | null; accessTokenExpiresAt: string | null },
  now: number = Date.now(),
): AccessToken | null {
  if (!payload.accessToken || !payload.accessTokenExpiresAt) return null;
  return { token: payload.accessToken, expiresAt: Date.parse(payload.accessTokenExpiresAt), issuedAt: now };
}

/** Trades the refresh cookie for a new access token (the API rotates the cookie). */
export async function refreshWithCookie(fetchImpl: typeof fetch = fetch): Promise<AccessToken | null> {
  let response: Response;
  try {
    response = await fetchImpl(GRAPHQL_PATH, {
      method: "POST",
      credentials: "same-origin",
      headers: { "Content-Type": "application/json", Accept: "application/json", ...CLIENT_HEADER },
      body: JSON.stringify({ query: REFRESH_QUERY, operationName: "WebRefresh", variables: { input: {} } }),
    });
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
