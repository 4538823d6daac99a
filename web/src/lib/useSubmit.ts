import { useCallback, useRef, useState } from "react";

import { newIdempotencyKey } from "./ids";
import { describeProblem } from "./requestErrors";
import { fieldErrors, type FieldErrors, type UserErrorLike } from "./userErrors";

interface Payload {
  userErrors: readonly UserErrorLike[];
}

type Attempt<P> = (idempotencyKey: string) => Promise<P | null | undefined>;

export interface Submit<P extends Payload> {
  busy: boolean;
  errors: FieldErrors;
  /** A failed request (network, election, timeout): shown with a retry. */
  problem: string | null;
  retryable: boolean;
  /**
   * Sends the change; resolves with the payload when the API accepted it, or null when it
   * answered with userErrors or a failure that retrying cannot mend. A request that failed in
   * transit stays pending until `retry()` (the same request again, same key) or the next
   * `run()`/`reset()` (then it resolves null) — so what the caller does after success (close
   * the dialog, say "Saved") also happens after a successful retry.
   */
  run: (attempt: Attempt<P>) => Promise<P | null>;
  retry: () => void;
  reset: () => void;
}

/**
 * One intended change, however many times it is sent. The idempotency key is kept across
 * retries of a request that failed in transit (so the API answers a booked payment with the
 * first result instead of booking it again) and renewed once the API has answered — with
 * success or with userErrors, both of which mean this change is settled.
 */
export function useSubmit<P extends Payload>(): Submit<P> {
  const key = useRef(newIdempotencyKey());
  const waiting = useRef<((again: boolean) => void) | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [retryable, setRetryable] = useState(false);

  const stopWaiting = () => {
    const resolve = waiting.current;
    waiting.current = null;
    resolve?.(false);
  };

  const run = useCallback(async (attempt: Attempt<P>): Promise<P | null> => {
    stopWaiting();
    for (;;) {
      setBusy(true);
      setProblem(null);
      try {
        const payload = await attempt(key.current);
        key.current = newIdempotencyKey();
        if (!payload) return null;
        setErrors(fieldErrors(payload.userErrors));
        return payload.userErrors.length ? null : payload;
      } catch (error) {
        const described = describeProblem(error);
        setProblem(described.message);
        setRetryable(described.retryable);
        if (!described.retryable) {
          key.current = newIdempotencyKey();
          return null;
        }
      } finally {
        setBusy(false);
      }
      const again = await new Promise<boolean>((resolve) => {
        waiting.current = resolve;
      });
      if (!again) return null;
    }
  }, []);

  const retry = useCallback(() => {
    const resolve = waiting.current;
    waiting.current = null;
    resolve?.(true);
  }, []);

  const reset = useCallback(() => {
    stopWaiting();
    setErrors({});
    setProblem(null);
    setRetryable(false);
    key.current = newIdempotencyKey();
  }, []);

  return { busy, errors, problem, retryable, run, retry, reset };
}
