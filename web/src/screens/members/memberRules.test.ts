import type { MemberRole } from "../../gql/graphql";
import { memberControls } from "./memberRules";

const member = (role: MemberRole) => ({ role });
const none = { changeRole: false, remove: false, makeOwner: false };

describe("memberControls", () => {
  it("gives viewers and editors no controls over anyone", () => {
    for (const me of ["VIEWER", "EDITOR"] as const) {
      for (const role of ["OWNER", "ADMIN", "EDITOR", "VIEWER"] as const) {
        expect(memberControls(me, member(role), false)).toEqual(none);
      }
    }
  });

  it("lets an admin manage everyone but the owner (other admins too), never hand over", () => {
    expect(memberControls("ADMIN", member("OWNER"), false)).toEqual(none);
    expect(memberControls("ADMIN", member("ADMIN"), false)).toEqual({ changeRole: true, remove: true, makeOwner: false });
    expect(memberControls("ADMIN", member("VIEWER"), false)).toEqual({ changeRole: true, remove: true, makeOwner: false });
  });

  it("lets the owner manage and hand the account to any other member", () => {
    expect(memberControls("OWNER", member("ADMIN"), false)).toEqual({ changeRole: true, remove: true, makeOwner: true });
    expect(memberControls("OWNER", member("VIEWER"), false)).toEqual({ changeRole: true, remove: true, makeOwner: true });
  });

  it("offers nothing on my own row", () => {
    expect(memberControls("OWNER", member("OWNER"), true)).toEqual(none);
    expect(memberControls("ADMIN", member("ADMIN"), true)).toEqual(none);
  });
});
