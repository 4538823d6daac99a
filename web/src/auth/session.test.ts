import { Session, type AccessToken, type RefreshTransport, type TabBus, type TabMessage } from "./session";

const MINUTE = 60_000;

function token(name: string, issuedAt = 0, lifetime = 15 * MINUTE): AccessToken {
  return { token: name, issuedAt, expiresAt: issuedAt + lifetime };
}

/** A refresh the test answers when it wants to, counting the calls. */
function fakeTransport(answers: (AccessToken | null)[]) {
  const pending: (() => void)[] = [];
  let calls = 0;
  const transport: RefreshTransport = () => {
    calls += 1;
    const answer = answers.shift() ?? null;
    return new Promise<AccessToken | null>((resolve) => pending.push(() => resolve(answer)));
  };
  return {
    transport,
    get calls() {
      return calls;
    },
    /** Answers every refresh asked so far (and any asked while settling), until none waits. */
    async settle() {
      for (let round = 0; round < 20; round += 1) {
        await flush();
        const waiting = pending.splice(0);
        if (!waiting.length) return;
        for (const answer of waiting) answer();
      }
    },
  };
}

async function flush() {
  for (let i = 0; i < 10; i += 1) await Promise.resolve();
  await new Promise((resolve) => setTimeout(resolve, 0));
}

/**
 * The tabs of one browser: one exclusive lock (tasks run one after another, as Web Locks do)
 * and a channel whose post() reaches every OTHER tab's listeners, as BroadcastChannel does.
 */
function fakeBrowser() {
  const tabs: Set<(message: TabMessage) => void>[] = [];
  let tail: Promise<unknown> = Promise.resolve();
  const posted: TabMessage[] = [];
  return {
    posted,
    tab(): TabBus {
      const mine = new Set<(message: TabMessage) => void>();
      tabs.push(mine);
      return {
        withLock<T>(_name: string, task: () => Promise<T>): Promise<T> {
          const run = tail.then(() => task());
          tail = run.catch(() => undefined);
          return run;
        },
        post(message) {
          posted.push(message);
          for (const other of tabs) if (other !== mine) for (const handler of other) handler(message);
        },
        listen(handler) {
          mine.add(handler);
          return () => mine.delete(handler);
        },
      };
    },
  };
}

describe("Session", () => {
  it("(a) shares one refresh between two concurrent 401s of one tab", async () => {
    const fake = fakeTransport([token("T1")]);
    const session = new Session(fake.transport, fakeBrowser().tab(), () => 1000);
    session.signedIn(token("T0"));

    const first = session.refreshAfterRejection("T0");
    const second = session.refreshAfterRejection("T0");
    await fake.settle();

    expect(await Promise.all([first, second])).toEqual(["T1", "T1"]);
    expect(fake.calls).toBe(1);
    expect(session.status).toBe("signed-in");
    // The new token is used from now on, without another refresh.
    expect(await session.token()).toBe("T1");
    expect(fake.calls).toBe(1);
  });

  it("(b) two tabs rejected at once rotate once: the second takes the broadcast token", async () => {
    const browser = fakeBrowser();
    const fake = fakeTransport([token("T1"), token("T2")]);
    const a = new Session(fake.transport, browser.tab(), () => 1000);
    const b = new Session(fake.transport, browser.tab(), () => 1000);
    a.signedIn(token("T0")); // tab B hears it and signs in too
    expect(b.status).toBe("signed-in");
    expect(await b.token()).toBe("T0");

    const fromA = a.refreshAfterRejection("T0");
    const fromB = b.refreshAfterRejection("T0");
    await fake.settle();

    expect(await fromA).toBe("T1");
    expect(await fromB).toBe("T1");
    expect(fake.calls).toBe(1);
    expect(await a.token()).toBe("T1");
    expect(await b.token()).toBe("T1");
    a.dispose();
    b.dispose();
  });

  it("(c) a refresh answering null (the login is over) signs out both tabs", async () => {
    const browser = fakeBrowser();
    const fake = fakeTransport([null, null]);
    const a = new Session(fake.transport, browser.tab(), () => 1000);
    const b = new Session(fake.transport, browser.tab(), () => 1000);
    const seenByB: string[] = [];
    b.subscribe((state) => seenByB.push(state));
    a.signedIn(token("T0"));

    const fromA = a.refreshAfterRejection("T0");
    const fromB = b.refreshAfterRejection("T0");
    await fake.settle();

    expect(await fromA).toBeNull();
    expect(await fromB).toBeNull();
    expect(a.status).toBe("signed-out");
    expect(b.status).toBe("signed-out");
    expect(seenByB).toEqual(["signed-in", "signed-out"]);
    expect(browser.posted.some((message) => message.type === "signed-out")).toBe(true);
    // Tab B heard "signed-out" while it waited for the lock: it does not ask again.
    expect(fake.calls).toBe(1);
    // Signed out: no token and no further refresh attempts.
    const calls = fake.calls;
    expect(await a.token()).toBeNull();
    expect(await b.token()).toBeNull();
    expect(fake.calls).toBe(calls);
  });

  it("(d) refreshes a token about to run out before using it", async () => {
    let now = 0;
    const fake = fakeTransport([token("T1", 14.7 * MINUTE)]);
    const session = new Session(fake.transport, fakeBrowser().tab(), () => now);
    session.signedIn(token("T0", 0)); // 15 minutes: refreshed in its last 30 s

    now = 14 * MINUTE;
    expect(await session.token()).toBe("T0");
    expect(fake.calls).toBe(0);

    now = 14.6 * MINUTE; // 24 s left: within the margin
    const next = session.token();
    await fake.settle();
    expect(await next).toBe("T1");
    expect(fake.calls).toBe(1);

    now = 15 * MINUTE; // T1 is fresh
    expect(await session.token()).toBe("T1");
    expect(fake.calls).toBe(1);
  });
});
