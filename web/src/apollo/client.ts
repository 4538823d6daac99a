import { ApolloClient, ApolloLink, HttpLink } from "@apollo/client";
import { defer, of, switchMap } from "rxjs";

import type { Session } from "../auth/session";
import { CLIENT_HEADER, GRAPHQL_PATH } from "../auth/transport";
import { createCache } from "./cache";

function isUnauthenticated(result: ApolloLink.Result): boolean {
  return (result.errors ?? []).some((error) => error.extensions?.["code"] === "UNAUTHENTICATED");
}

function withToken(operation: ApolloLink.Operation, token: string | null): void {
  operation.setContext(({ headers = {} }: { headers?: Record<string, string> }) => ({
    headers: { ...headers, ...CLIENT_HEADER, ...(token ? { Authorization: `Bearer ${token}` } : {}) },
  }));
}

/**
 * Adds the access token (refreshed first when it is about to run out) and, when the API still
 * answers UNAUTHENTICATED, refreshes once and replays the operation. Concurrent failures share
 * the session's single refresh; when the login is over the session signs every tab out.
 */
export function authLink(session: Session): ApolloLink {
  return new ApolloLink((operation, forward) =>
    defer(() => session.token()).pipe(
      switchMap((token) => {
        withToken(operation, token);
        return forward(operation).pipe(
          switchMap((result) => {
            if (!token || !isUnauthenticated(result)) return of(result);
            return defer(() => session.refreshAfterRejection(token)).pipe(
              switchMap((fresh) => {
                if (!fresh) return of(result);
                withToken(operation, fresh);
                return forward(operation);
              }),
            );
          }),
        );
      }),
    ),
  );
}

export function createClient(session: Session, fetchImpl?: typeof fetch): ApolloClient {
  const http = new HttpLink({ uri: GRAPHQL_PATH, credentials: "same-origin", ...(fetchImpl ? { fetch: fetchImpl } : {}) });
  return new ApolloClient({
    link: ApolloLink.from([authLink(session), http]),
    cache: createCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: "cache-and-network" },
    },
  });
}
