import { useCallback, useRef, useState } from "react";

import { newIdempotencyKey } from "./ids";
import { describeProblem } from "./requestErrors";
import { fieldErrors, type FieldErrors, type UserErrorLike } from "./userErrors";

interface Payload {
  userErrors: readonly UserErrorLike[];
}

export interface Submit<P extends Payload> {
  busy: boolean;
  errors: FieldErrors;
  /** A failed request (network, election, timeout): shown with a retry. */
  problem: string | null;
  retryable: boolean;
  run: (attempt: (idempotencyKey: string) => Promise<P | null | undefined>) => Promise<P | null>;
  retry: () => Promise<P | null>;
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
  const last = useRef<((idempotencyKey: string) => Promise<P | null | undefined>) | null>(null);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});
  const [problem, setProblem] = useState<string | null>(null);
  const [retryable, setRetryable] = useState(false);

  const run = useCallback(async (attempt: (idempotencyKey: string) => Promise<P | null | undefined>) => {
    last.current = attempt;
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
      if (!described.retryable) key.current = newIdempotencyKey();
      setProblem(described.message);
      setRetryable(described.retryable);
      return null;
    } finally {
      setBusy(false);
    }
  }, []);

  const retry = useCallback(async () => (last.current ? run(last.current) : null), [run]);
  const reset = useCallback(() => {
    setErrors({});
    setProblem(null);
    key.current = newIdempotencyKey();
  }, []);

  return { busy, errors, problem, retryable, run, retry, reset };
}
