import { CombinedGraphQLErrors, ServerError } from "@apollo/client/errors";

/** What went wrong with a request, for a person: and whether retrying can help. */
export interface RequestProblem {
  message: string;
  retryable: boolean;
  code: string | null;
}

const RETRYABLE = new Set(["UNAVAILABLE", "TIMEOUT", "RATE_LIMITED"]);

export function describeProblem(error: unknown): RequestProblem {
  if (CombinedGraphQLErrors.is(error)) {
    const first = error.errors[0];
    const code = (first?.extensions?.["code"] as string | undefined) ?? null;
    if (code === "UNAVAILABLE") {
      return { code, retryable: true, message: "The database is choosing a new primary. Nothing was lost — try again in a moment." };
    }
    if (code === "TIMEOUT") return { code, retryable: true, message: "The server took too long. Try again — nothing will be booked twice." };
    if (code === "RATE_LIMITED") return { code, retryable: true, message: "Too many requests. Wait a few seconds and try again." };
    if (code === "UNAUTHENTICATED") return { code, retryable: false, message: "You have been signed out. Sign in again." };
    return { code, retryable: code ? RETRYABLE.has(code) : false, message: first?.message ?? "The server refused the request." };
  }
  if (ServerError.is(error)) {
    return { code: null, retryable: true, message: `The server answered ${error.statusCode}. Try again in a moment.` };
  }
  return {
    code: null,
    retryable: true,
    message: "Could not reach Envelopes. Check your connection and try again — a retried payment is never booked twice.",
  };
}
