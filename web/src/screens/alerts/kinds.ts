import type { AlertKind } from "../../gql/graphql";

/** What each kind of alert is called, and how loud it is. */
export const KIND_LABEL: Record<AlertKind, string> = {
  ENVELOPE_OVERSPENT: "Envelope overspent",
  PLAN_EXCEEDED: "Plan exceeded",
  GOAL_BEHIND: "Goal behind",
  BALANCE_LOW: "Low balance",
  TRANSACTION_LARGE: "Large transaction",
  SCHEDULE_FAILED: "Scheduled posting failed",
  IMPORT_FINISHED: "Import finished",
  IMPORT_FAILED: "Import failed",
  WEBHOOK_DISABLED: "Webhook disabled",
};

export const TONE: Record<AlertKind, "warn" | "bad" | "info"> = {
  ENVELOPE_OVERSPENT: "bad",
  PLAN_EXCEEDED: "warn",
  GOAL_BEHIND: "warn",
  BALANCE_LOW: "warn",
  TRANSACTION_LARGE: "info",
  SCHEDULE_FAILED: "bad",
  IMPORT_FINISHED: "info",
  IMPORT_FAILED: "bad",
  WEBHOOK_DISABLED: "bad",
};
