import type { MemberRole } from "../../gql/graphql";
import { can } from "../../lib/roles";

export interface MemberLike {
  role: MemberRole;
}

/** Roles that sharing and role changes can give; ownership is handed over, never granted. */
export const GRANTABLE: readonly Exclude<MemberRole, "OWNER">[] = ["ADMIN", "EDITOR", "VIEWER"];

export const ROLE_DUTIES: Record<MemberRole, string> = {
  OWNER: "everything an admin can, and closes the account or hands it to someone else",
  ADMIN: "manages the account, envelopes, plans and sharing",
  EDITOR: "records and undoes money, schedules, reconciliation",
  VIEWER: "sees everything, changes nothing",
};

/**
 * What I may do to one member, as the API enforces it (app/domain/members.py): admins and the
 * owner change the role of and remove any member but the owner (other admins included); only
 * the owner hands the account over (and becomes an admin). My own row offers none of these:
 * I leave instead (everyone but the owner may).
 */
export function memberControls(myRole: MemberRole, member: MemberLike, isMe: boolean) {
  const manage = can.admin(myRole) && member.role !== "OWNER" && !isMe;
  return { changeRole: manage, remove: manage, makeOwner: can.own(myRole) && !isMe };
}

export function capitalise(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}
