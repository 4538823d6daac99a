import { ApolloClient, ApolloLink, HttpLink } from "@apollo/client";
import { GraphQLWsLink } from "@apollo/client/link/subscriptions";
import { OperationTypeNode } from "graphql";
import { createClient as createSocketClient, type Client as SocketClient } from "graphql-ws";
import { defer, of, switchMap } from "rxjs";

import type { Session } from "../auth/session";
import { CLIENT_HEADER, GRAPHQL_PATH } from "../auth/transport";
import { createCache } from "./cache";
import { isPersisted, persistedLink, printPersisted, subscriptionHashLink } from "./persisted";

/**
 * Queries sent by hash could go by GET (the API serves GET queries; mutations would still
 * POST). Off: with it on, the browser story's token refresh across two tabs failed in the full
 * run (the tabs showed their accounts without refreshing; later steps then failed), while
 * every test passed with POST. Not yet understood: turn on only with that story green.
 */
const HASHED_QUERIES_VIA_GET = false;

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

/** The WebSocket URL of the API's GraphQL endpoint, beside the page (ws: or wss:). */
export function socketUrl(location: Pick<Location, "protocol" | "host">): string {
  return `${location.protocol === "https:" ? "wss" : "ws"}://${location.host}${GRAPHQL_PATH}`;
}

/**
 * Subscriptions over `graphql-transport-ws`: one socket, opened when the first subscription
 * starts (lazy) and closed a little after the last one ends. It authenticates with the current
 * access token (refreshed first when it is about to run out); when the token expires the API
 * closes the socket (4403) and it reconnects, with a fresh token, for as long as the tab lives.
 */
export function socketClient(session: Session, url: string): SocketClient {
  return createSocketClient({
    url,
    lazy: true,
    lazyCloseTimeout: 3_000,
    retryAttempts: Number.POSITIVE_INFINITY,
    shouldRetry: () => true,
    connectionParams: async () => {
      const token = await session.token();
      return token ? { authorization: `Bearer ${token}` } : {};
    },
  });
}

function isSubscription(operation: ApolloLink.Operation): boolean {
  return operation.operationType === OperationTypeNode.SUBSCRIPTION;
}

/**
 * Queries and mutations over HTTP: the web app's own documents (src/gql) by hash (see
 * ./persisted.ts), any other document by text.
 */
export function httpLink(fetchImpl?: typeof fetch): ApolloLink {
  const http = new HttpLink({
    uri: GRAPHQL_PATH,
    credentials: "same-origin",
    print: printPersisted,
    ...(fetchImpl ? { fetch: fetchImpl } : {}),
  });
  return ApolloLink.split(isPersisted, persistedLink({ useGET: HASHED_QUERIES_VIA_GET }).concat(http), http);
}

export function createClient(session: Session, fetchImpl?: typeof fetch, sockets?: SocketClient): ApolloClient {
  const live = subscriptionHashLink().concat(new GraphQLWsLink(sockets ?? socketClient(session, socketUrl(window.location))));
  return new ApolloClient({
    link: ApolloLink.split(isSubscription, live, ApolloLink.from([authLink(session), httpLink(fetchImpl)])),
    cache: createCache(),
    defaultOptions: {
      watchQuery: { fetchPolicy: "cache-and-network" },
    },
  });
}
