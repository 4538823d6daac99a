import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { act, renderHook } from "@testing-library/react";

import { useSubmit } from "./useSubmit";
import type { UserErrorLike } from "./userErrors";

type Payload = { ok: boolean; userErrors: UserErrorLike[] };

const answered: Payload = { ok: true, userErrors: [] };
const refused: Payload = { ok: false, userErrors: [{ field: ["input", "amount"], message: "Too much.", code: "VALIDATION" }] };
const offline = (): Payload => {
  throw new TypeError("Failed to fetch");
};
const election = (): Payload => {
  throw new CombinedGraphQLErrors({ errors: [{ message: "Electing.", extensions: { code: "UNAVAILABLE" } }] });
};

/** Sends `outcomes` one after the other: the first by run(), the rest by retry(). */
function setup() {
  const keys: string[] = [];
  const hook = renderHook(() => useSubmit<Payload>());
  const start = (outcomes: (() => Payload)[]) => {
    let sent = 0;
    let result: Promise<Payload | null> = Promise.resolve(null);
    act(() => {
      result = hook.result.current.run(async (key) => {
        keys.push(key);
        const outcome = outcomes[Math.min(sent, outcomes.length - 1)]!;
        sent += 1;
        return outcome();
      });
    });
    return result;
  };
  const settle = () => act(async () => undefined);
  const retry = async () => {
    act(() => hook.result.current.retry());
    await settle();
  };
  return { hook, keys, start, settle, retry };
}

describe("useSubmit", () => {
  it("holds a request that failed in transit until Retry, which sends the same key", async () => {
    const { hook, keys, start, settle, retry } = setup();
    let done: Payload | null | undefined;
    void start([offline, election, () => answered]).then((r) => (done = r));
    await settle();
    expect(hook.result.current.problem).toMatch(/Could not reach Envelopes/);
    expect(hook.result.current.retryable).toBe(true);
    expect(hook.result.current.busy).toBe(false);
    expect(done).toBeUndefined(); // still waiting for the person

    await retry(); // an election this time
    expect(hook.result.current.problem).toMatch(/new primary/);
    expect(done).toBeUndefined();

    await retry(); // answered: the caller's run() resolves with the payload
    expect(done).toEqual(answered);
    expect(hook.result.current.problem).toBeNull();
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
  });

  it("a new run() after a failure ends the waiting one and keeps the key", async () => {
    const { keys, start, settle } = setup();
    let first: Payload | null | undefined;
    void start([offline]).then((r) => (first = r));
    await settle();
    const second = start([() => answered]);
    await settle();
    expect(first).toBeNull();
    expect(await second).toEqual(answered);
    expect(keys[0]).toBe(keys[1]);
  });

  it("takes a new key once the API answered with success", async () => {
    const { keys, start, settle } = setup();
    const first = start([() => answered]);
    await settle();
    expect(await first).toEqual(answered);
    start([() => answered]);
    await settle();
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("takes a new key once the API answered with userErrors, and places them by field", async () => {
    const { hook, keys, start, settle } = setup();
    const first = start([() => refused]);
    await settle();
    expect(await first).toBeNull();
    expect(hook.result.current.errors).toEqual({ amount: "Too much." });
    start([() => answered]);
    await settle();
    expect(keys[0]).not.toBe(keys[1]);
    expect(hook.result.current.errors).toEqual({});
  });

  it("reset() ends a waiting request with null and starts a new change", async () => {
    const { hook, keys, start, settle } = setup();
    let first: Payload | null | undefined;
    void start([offline]).then((r) => (first = r));
    await settle();
    act(() => hook.result.current.reset());
    await settle();
    expect(first).toBeNull();
    start([() => answered]);
    await settle();
    expect(keys[0]).not.toBe(keys[1]);
  });
});
