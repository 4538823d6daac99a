/**
 * The signed-in session of this tab, done as OWASP advises for single-page apps:
 * - the access token (15 minutes) lives only in memory, never in localStorage;
 * - the refresh token lives in an HttpOnly, SameSite=Strict cookie scoped to /graphql, which
 *   script cannot read; the API sets it when a request carries `X-Envelopes-Client: web`.
 *
 * Refresh tokens rotate on every use and presenting a used one again signs the whole login
 * out, so two refreshes must never run at once — not in this tab and not across tabs:
 * - in a tab, every caller shares the one refresh in flight;
 * - across tabs, refreshes run under one Web Lock, so a tab refreshes only after the previous
 *   rotation's new cookie is in the jar; the tab that refreshed broadcasts the new access token,
 *   and a tab that was waiting for the lock takes it instead of rotating again.
 */

export interface AccessToken {
  token: string;
  /** Epoch milliseconds. */
  expiresAt: number;
  /** Epoch milliseconds when it was issued here (for the early-refresh margin). */
  issuedAt: number;
}

/** Asks the API for a new access token with the cookie; null when the login is over. */
export type RefreshTransport = () => Promise<AccessToken | null>;

export type TabMessage = { type: "token"; token: AccessToken } | { type: "signed-out" };

/** What the tabs of one browser share: a lock and a broadcast channel. */
export interface TabBus {
  withLock<T>(name: string, task: () => Promise<T>): Promise<T>;
  post(message: TabMessage): void;
  listen(handler: (message: TabMessage) => void): () => void;
}

export type SessionState = "unknown" | "signed-in" | "signed-out";

const LOCK = "envelopes-refresh";

export class Session {
  private access: AccessToken | null = null;
  private state: SessionState = "unknown";
  private inflight: Promise<string | null> | null = null;
  private readonly listeners = new Set<(state: SessionState) => void>();
  private readonly stopListening: () => void;

  constructor(
    private readonly transport: RefreshTransport,
    private readonly bus: TabBus,
    private readonly now: () => number = Date.now,
  ) {
    this.stopListening = bus.listen((message) => {
      if (message.type === "token") this.adopt(message.token);
      else this.forget();
    });
  }

  get status(): SessionState {
    return this.state;
  }

  subscribe(listener: (state: SessionState) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** After sign-in or sign-up: the token from the payload; other tabs sign in too. */
  signedIn(token: AccessToken): void {
    this.adopt(token);
    this.bus.post({ type: "token", token });
  }

  /** After sign-out (or when the API says the login is over): every tab signs out. */
  signedOut(): void {
    this.forget();
    this.bus.post({ type: "signed-out" });
  }

  /** A token good for at least the safety margin, refreshing first when needed. */
  async token(): Promise<string | null> {
    if (this.state === "signed-out") return null;
    if (this.access && !this.expiring(this.access)) return this.access.token;
    return this.refresh(this.access?.token ?? null);
  }

  /**
   * The API refused `rejected` (UNAUTHENTICATED): refresh, unless another caller or tab has
   * already replaced it, in which case the replacement is the answer.
   */
  async refreshAfterRejection(rejected: string): Promise<string | null> {
    return this.refresh(rejected);
  }

  dispose(): void {
    this.stopListening();
    this.listeners.clear();
  }

  private refresh(stale: string | null): Promise<string | null> {
    if (this.access && this.access.token !== stale && !this.expiring(this.access)) {
      return Promise.resolve(this.access.token);
    }
    if (!this.inflight) {
      this.inflight = this.bus
        .withLock(LOCK, async () => {
          // While this tab waited for the lock another one may have rotated and broadcast,
          // or found the login over and signed every tab out: then there is nothing to ask.
          if (this.state === "signed-out") return null;
          if (this.access && this.access.token !== stale && !this.expiring(this.access)) {
            return this.access.token;
          }
          const fresh = await this.transport();
          if (fresh) {
            this.signedIn(fresh);
            return fresh.token;
          }
          this.signedOut();
          return null;
        })
        .finally(() => {
          this.inflight = null;
        });
    }
    return this.inflight;
  }

  private expiring(access: AccessToken): boolean {
    // Refresh a little early: 10% of the lifetime, at most 30 s.
    const margin = Math.min(30_000, (access.expiresAt - access.issuedAt) / 10);
    return this.now() >= access.expiresAt - margin;
  }

  private adopt(token: AccessToken): void {
    this.access = token;
    this.setState("signed-in");
  }

  private forget(): void {
    this.access = null;
    this.setState("signed-out");
  }

  private setState(state: SessionState): void {
    if (state === this.state) return;
    this.state = state;
    for (const listener of this.listeners) listener(state);
  }
}

/** The browser's tab bus: Web Locks + BroadcastChannel (a local mutex where Web Locks lack). */
export function browserTabBus(): TabBus {
  const channel = typeof BroadcastChannel === "undefined" ? null : new BroadcastChannel("envelopes-session");
  let tail: Promise<unknown> = Promise.resolve();
  return {
    withLock<T>(name: string, task: () => Promise<T>): Promise<T> {
      if (typeof navigator !== "undefined" && navigator.locks) {
        return navigator.locks.request(name, { mode: "exclusive" }, task) as Promise<T>;
      }
      const run = tail.then(task, task);
      tail = run.catch(() => undefined);
      return run;
    },
    post(message) {
      channel?.postMessage(message);
    },
    listen(handler) {
      if (!channel) return () => undefined;
      const onMessage = (event: MessageEvent<TabMessage>) => handler(event.data);
      channel.addEventListener("message", onMessage);
      return () => channel.removeEventListener("message", onMessage);
    },
  };
}
