import { useApolloClient } from "@apollo/client/react";
import { createContext, useCallback, useContext, useEffect, useMemo, useState, useSyncExternalStore, type ReactNode } from "react";

import { WebSignOutDocument } from "../gql/graphql";
import type { Session, SessionState } from "./session";
import { accessTokenOf } from "./transport";

interface AuthApi {
  session: Session;
  state: SessionState;
  /** Called with a sign-in/sign-up payload's token. */
  signedIn: (payload: { accessToken: string | null; accessTokenExpiresAt: string | null }) => void;
  signOut: () => Promise<void>;
}

const AuthContext = createContext<AuthApi | null>(null);

export function AuthProvider({ session, children }: { session: Session; children: ReactNode }) {
  const client = useApolloClient();
  const state = useSyncExternalStore(
    (listener) => session.subscribe(listener),
    () => session.status,
  );
  const [restoring, setRestoring] = useState(session.status === "unknown");

  // A new tab (or a reload) asks for an access token with the refresh cookie.
  useEffect(() => {
    if (session.status !== "unknown") return;
    session
      .token()
      .catch(() => null)
      .finally(() => setRestoring(false));
  }, [session]);

  // Signed out (here or in another tab): nothing of the previous user stays in memory.
  useEffect(() => {
    if (state === "signed-out") void client.clearStore();
  }, [state, client]);

  const signedIn = useCallback<AuthApi["signedIn"]>(
    (payload) => {
      const token = accessTokenOf(payload);
      if (token) session.signedIn(token);
    },
    [session],
  );

  const signOut = useCallback(async () => {
    try {
      await client.mutate({ mutation: WebSignOutDocument, variables: { input: {} } });
    } catch {
      // Offline: the cookie outlives this tab's memory, but the access token is dropped anyway.
    }
    session.signedOut();
  }, [client, session]);

  const api = useMemo(() => ({ session, state, signedIn, signOut }), [session, state, signedIn, signOut]);
  if (restoring && state === "unknown") {
    return (
      <div className="splash" role="status">
        <span className="spinner" aria-hidden="true" /> Opening Envelopes…
      </div>
    );
  }
  return <AuthContext.Provider value={api}>{children}</AuthContext.Provider>;
}

export function useAuth(): AuthApi {
  const api = useContext(AuthContext);
  if (!api) throw new Error("useAuth outside AuthProvider");
  return api;
}
