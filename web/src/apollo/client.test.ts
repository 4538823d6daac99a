import { ApolloClient, ApolloLink, gql, InMemoryCache } from "@apollo/client";
import { Observable } from "rxjs";

import { Session, type AccessToken, type TabBus } from "../auth/session";
import { authLink } from "./client";

const FIRST = gql`
  query First {
    first
  }
`;
const SECOND = gql`
  query Second {
    second
  }
`;

function token(name: string): AccessToken {
  return { token: name, issuedAt: 0, expiresAt: 15 * 60_000 };
}

/** One tab alone: a lock that runs tasks one after another, and nobody listening. */
function loneTab(): TabBus {
  let tail: Promise<unknown> = Promise.resolve();
  return {
    withLock<T>(_name: string, task: () => Promise<T>) {
      const run = tail.then(() => task());
      tail = run.catch(() => undefined);
      return run;
    },
    post: () => undefined,
    listen: () => () => undefined,
  };
}

describe("authLink", () => {
  it("refreshes once for two queries both refused, and replays both with the new token", async () => {
    let refreshes = 0;
    const session = new Session(
      async () => {
        refreshes += 1;
        await new Promise((resolve) => setTimeout(resolve, 5));
        return token("T1");
      },
      loneTab(),
      () => 1000,
    );
    session.signedIn(token("T0"));

    const seen: { operation: string; authorization: string | undefined; client: string | undefined }[] = [];
    // The API: refuses T0 as expired, answers T1 (asynchronously, like a network).
    const api = new ApolloLink(
      (operation) =>
        new Observable<ApolloLink.Result>((observer) => {
          const headers = (operation.getContext()["headers"] ?? {}) as Record<string, string>;
          const authorization = headers["Authorization"];
          seen.push({ operation: operation.operationName ?? "", authorization, client: headers["X-Envelopes-Client"] });
          const timer = setTimeout(() => {
            if (authorization === "Bearer T1") {
              observer.next({ data: operation.operationName === "First" ? { first: "one" } : { second: "two" } });
            } else {
              observer.next({
                data: null,
                errors: [{ message: "The access token has expired.", extensions: { code: "UNAUTHENTICATED" } }],
              });
            }
            observer.complete();
          }, 1);
          return () => clearTimeout(timer);
        }),
    );
    const client = new ApolloClient({ link: ApolloLink.from([authLink(session), api]), cache: new InMemoryCache() });

    const [first, second] = await Promise.all([
      client.query({ query: FIRST, fetchPolicy: "network-only" }),
      client.query({ query: SECOND, fetchPolicy: "network-only" }),
    ]);

    expect(refreshes).toBe(1);
    expect(first.data).toEqual({ first: "one" });
    expect(second.data).toEqual({ second: "two" });
    expect(first.error).toBeUndefined();
    expect(second.error).toBeUndefined();
    expect(seen.map((request) => request.authorization).sort()).toEqual(["Bearer T0", "Bearer T0", "Bearer T1", "Bearer T1"]);
    expect(seen.filter((request) => request.authorization === "Bearer T1").map((request) => request.operation).sort()).toEqual([
      "First",
      "Second",
    ]);
    expect(seen.every((request) => request.client === "web")).toBe(true);
  });

  it("gives the refusal back (and signs out) when the login is over", async () => {
    const session = new Session(async () => null, loneTab(), () => 1000);
    session.signedIn(token("T0"));
    const api = new ApolloLink(
      () =>
        new Observable<ApolloLink.Result>((observer) => {
          observer.next({ data: null, errors: [{ message: "Signed out.", extensions: { code: "UNAUTHENTICATED" } }] });
          observer.complete();
        }),
    );
    const client = new ApolloClient({ link: ApolloLink.from([authLink(session), api]), cache: new InMemoryCache() });

    const result = await client.query({ query: FIRST, fetchPolicy: "network-only", errorPolicy: "all" });
    expect(result.error).toBeDefined();
    expect(session.status).toBe("signed-out");
  });
});
