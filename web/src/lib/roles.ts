import type { MemberRole } from "../gql/graphql";

/** What a role may do, as the API enforces it: the interface hides what would be refused. */
export const can = {
  /** Record income/expense/move/transfer/payday, undo, clear, reconcile, schedules. */
  edit: (role: MemberRole | undefined) => role === "OWNER" || role === "ADMIN" || role === "EDITOR",
  /** Account settings, envelopes, plans, goals, cadence, payday templates, sharing. */
  admin: (role: MemberRole | undefined) => role === "OWNER" || role === "ADMIN",
  own: (role: MemberRole | undefined) => role === "OWNER",
};

export const ROLE_LABEL: Record<MemberRole, string> = {
  OWNER: "Owner",
  ADMIN: "Admin",
  EDITOR: "Editor",
  VIEWER: "Viewer",
};
