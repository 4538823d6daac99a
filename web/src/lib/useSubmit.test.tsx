import { CombinedGraphQLErrors } from "@apollo/client/errors";
import { act, renderHook } from "@testing-library/react";

import { useSubmit } from "./useSubmit";
import type { UserErrorLike } from "./userErrors";

type Payload = { ok: boolean; userErrors: UserErrorLike[] };

const answered: Payload = { ok: true, userErrors: [] };
const refused: Payload = { ok: false, userErrors: [{ field: ["input", "amount"], message: "Too much.", code: "VALIDATION" }] };

function setup() {
  const keys: string[] = [];
  const hook = renderHook(() => useSubmit<Payload>());
  const run = async (outcome: () => Payload | never) => {
    let result: Payload | null = null;
    await act(async () => {
      result = await hook.result.current.run(async (key) => {
        keys.push(key);
        return outcome();
      });
    });
    return result;
  };
  const retry = async () => {
    await act(async () => {
      await hook.result.current.retry();
    });
  };
  return { hook, keys, run, retry };
}

const offline = () => {
  throw new TypeError("Failed to fetch");
};

describe("useSubmit", () => {
  it("keeps the idempotency key when a request fails in transit, for the retry", async () => {
    const { hook, keys, run, retry } = setup();
    await run(offline);
    expect(hook.result.current.problem).toMatch(/Could not reach Envelopes/);
    expect(hook.result.current.retryable).toBe(true);

    await retry(); // the same attempt again (still offline)
    await run(() => answered); // sent again by hand: still the same change
    expect(keys).toHaveLength(3);
    expect(new Set(keys).size).toBe(1);
    expect(hook.result.current.problem).toBeNull();
  });

  it("keeps the key across a retry after an election (UNAVAILABLE)", async () => {
    const { keys, run } = setup();
    await run(() => {
      throw new CombinedGraphQLErrors({ errors: [{ message: "Electing.", extensions: { code: "UNAVAILABLE" } }] });
    });
    await run(() => answered);
    expect(keys[0]).toBe(keys[1]);
  });

  it("takes a new key once the API answered with success", async () => {
    const { keys, run } = setup();
    expect(await run(() => answered)).toEqual(answered);
    await run(() => answered);
    expect(keys[0]).not.toBe(keys[1]);
  });

  it("takes a new key once the API answered with userErrors, and places them by field", async () => {
    const { hook, keys, run } = setup();
    expect(await run(() => refused)).toBeNull();
    expect(hook.result.current.errors).toEqual({ amount: "Too much." });
    await run(() => answered);
    expect(keys[0]).not.toBe(keys[1]);
    expect(hook.result.current.errors).toEqual({});
  });

  it("a failure after an answer keeps the answer's successor key for its retry", async () => {
    const { keys, run, retry } = setup();
    await run(() => answered);
    await run(offline);
    await retry();
    expect(keys[0]).not.toBe(keys[1]);
    expect(keys[1]).toBe(keys[2]);
  });
});
