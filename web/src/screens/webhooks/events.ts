import type { EventKind, WebhookDeliveryStatus } from "../../gql/graphql";

/** Every event a webhook may choose, in the order the form lists them, with what it means. */
export const EVENT_LABELS: Record<EventKind, string> = {
  TRANSACTION_RECORDED: "A transaction is recorded",
  ENVELOPE_OVERSPENT: "An envelope is overspent",
  PLAN_EXCEEDED: "Spending passes a plan",
  GOAL_BEHIND: "A goal falls behind",
  BALANCE_LOW: "The balance falls below a member's threshold",
  TRANSACTION_LARGE: "A transaction above a member's threshold",
  SCHEDULE_FAILED: "A scheduled posting fails",
  IMPORT_FINISHED: "An import finishes",
  IMPORT_FAILED: "An import fails",
  WEBHOOK_DISABLED: "Another webhook is disabled",
};

export const EVENT_KINDS = Object.keys(EVENT_LABELS) as EventKind[];

/** The dotted name receivers see in the body's `type` and the `Envelopes-Event` header. */
export function eventType(kind: EventKind): string {
  return kind.toLowerCase().replace("_", ".");
}

export const STATUS_LABELS: Record<WebhookDeliveryStatus, string> = {
  PENDING: "Pending",
  DELIVERED: "Delivered",
  FAILED: "Failed",
};

/** "https://hooks.example.com/in" stays as is; the rest is checked by the API (URL_REFUSED). */
export function urlProblem(url: string): string | null {
  const text = url.trim();
  if (!text) return "Give the URL your receiver listens on.";
  if (!/^https?:\/\//i.test(text)) return "Webhook URLs start with https:// (or http://).";
  return null;
}

/** The last attempt of a delivery, in a few words ("HTTP 500", "200", "Refused: …"). */
export function attemptSummary(attempt: { statusCode: number | null; error: string | null } | undefined): string {
  if (!attempt) return "Not attempted yet";
  if (attempt.error) return attempt.error;
  return attempt.statusCode === null ? "No answer" : `HTTP ${attempt.statusCode}`;
}
