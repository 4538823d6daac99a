import type { ErrorCode } from "../gql/graphql";

export interface UserErrorLike {
  field: readonly string[] | null;
  message: string;
  code: ErrorCode;
}

/** The server's userErrors keyed by field path ("amount", "splits.1.amount"); "" = the form. */
export type FieldErrors = Record<string, string>;

export function fieldErrors(errors: readonly UserErrorLike[] | null | undefined): FieldErrors {
  const out: FieldErrors = {};
  for (const error of errors ?? []) {
    const path = (error.field ?? []).filter((part) => part !== "input").join(".");
    out[path] = out[path] ? `${out[path]} ${error.message}` : error.message;
  }
  return out;
}

/** Errors of fields the form does not show fall back to the form-level message. */
export function unplacedErrors(errors: FieldErrors, shown: readonly string[]): string | null {
  const rest = Object.entries(errors)
    .filter(([path]) => !shown.includes(path))
    .map(([, message]) => message);
  return rest.length ? rest.join(" ") : null;
}
