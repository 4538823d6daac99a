import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";
import { flushSync } from "react-dom";
import { useNavigate } from "react-router";

import {
  AccountMembersDocument,
  ChangeMemberRoleWebDocument,
  LeaveAccountWebDocument,
  RemoveMemberWebDocument,
  ShareAccountWebDocument,
  TransferOwnershipWebDocument,
  ViewerDocument,
  type AccountMembersQuery,
  type MemberRole,
} from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { can, ROLE_LABEL } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Dialog } from "../../ui/Dialog";
import { Avatar, Button, Empty, FormMessage, Loading, Problem, Section, SelectField, TextField } from "../../ui/kit";
import { useAccount } from "../account/useAccount";
import { capitalise, GRANTABLE, memberControls, ROLE_DUTIES } from "./memberRules";
import "./members.css";

type Member = NonNullable<AccountMembersQuery["account"]>["members"][number];
type Payload = { userErrors: readonly UserErrorLike[] };

export function MembersScreen() {
  const { account } = useAccount();
  const { data, loading, error, refetch } = useQuery(AccountMembersDocument, { variables: { id: account.id } });
  const viewer = useQuery(ViewerDocument);
  const [managing, setManaging] = useState<Member | null>(null);
  const myId = viewer.data?.me.id;
  const members = data?.account?.members;
  const myRole = data?.account?.myRole ?? account.myRole;

  let list;
  if (loading && !members) list = <Loading label="Loading the members…" />;
  else if (error && !members) list = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!members?.length) list = <Empty title="Nobody shares this account yet." />;
  else {
    const anyControls = members.some((member) => {
      const controls = memberControls(myRole, member, member.profile.id === myId);
      return controls.changeRole || controls.remove || controls.makeOwner;
    });
    list = (
      <ul className={`member-list${anyControls ? " member-list-managed" : ""}`}>
        {members.map((member) => {
          const isMe = member.profile.id === myId;
          const controls = memberControls(myRole, member, isMe);
          const any = controls.changeRole || controls.remove || controls.makeOwner;
          return (
            <li key={member.profile.id} className="member-row">
              <Avatar name={member.profile.displayName} color={member.profile.avatarColor} size={38} />
              <div className="member-who">
                <span className="member-name">
                  {member.profile.displayName}
                  {isMe ? <span className="muted"> (you)</span> : null}
                </span>
                <span className="member-email">{member.email}</span>
              </div>
              <div className="member-role">
                <span className={`role-badge role-${member.role.toLowerCase()}`}>{ROLE_LABEL[member.role]}</span>
                <span className="member-since">since {formatDate(member.addedAt.slice(0, 10))}</span>
              </div>
              {any ? (
                <Button className="member-manage" onClick={() => setManaging(member)} aria-label={`Manage ${member.profile.displayName}`}>
                  Manage
                </Button>
              ) : anyControls ? (
                <span className="member-manage" />
              ) : null}
            </li>
          );
        })}
      </ul>
    );
  }

  return (
    <div className="stack members-screen">
      <Section title="People sharing this account" id="members-list">
        {list}
      </Section>
      {can.admin(myRole) ? <ShareForm accountId={account.id} /> : null}
      <RoleLegend />
      {members && myRole !== "OWNER" ? <LeaveSection accountId={account.id} accountName={account.name} /> : null}
      {myRole === "OWNER" && (members?.length ?? 0) > 1 ? (
        <p className="muted member-note">To leave this account, first make another member its owner (Manage → Make owner).</p>
      ) : null}
      {managing ? (
        <MemberDialog
          accountId={account.id}
          myRole={myRole}
          member={managing}
          isMe={managing.profile.id === myId}
          onClose={() => setManaging(null)}
        />
      ) : null}
    </div>
  );
}

function ShareForm({ accountId }: { accountId: string }) {
  const [share] = useMutation(ShareAccountWebDocument);
  const submit = useSubmit<Payload>();
  const [email, setEmail] = useState("");
  const [role, setRole] = useState<MemberRole>("EDITOR");
  const [shared, setShared] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setShared(null);
    const done = await submit.run(
      async () => (await share({ variables: { input: { accountId, email: email.trim(), role } } })).data?.shareAccount,
    );
    if (done) {
      setShared(`Shared with ${email.trim()} as ${ROLE_LABEL[role].toLowerCase()}.`);
      setEmail("");
    }
  };

  return (
    <Section title="Share this account" id="members-share">
      <form onSubmit={onSubmit} noValidate className="share-form">
        <TextField
          label="Email"
          type="email"
          autoComplete="off"
          value={email}
          onChange={(e) => setEmail(e.target.value)}
          error={submit.errors["email"]}
          hint="The person needs an Envelopes sign-in with this email."
          required
        />
        <SelectField label="Role" value={role} onChange={(e) => setRole(e.target.value as MemberRole)} error={submit.errors["role"]}>
          {GRANTABLE.map((value) => (
            <option key={value} value={value}>
              {ROLE_LABEL[value]}
            </option>
          ))}
        </SelectField>
        <div className="share-submit">
          <Button type="submit" variant="primary" busy={submit.busy} disabled={!email.trim()}>
            Share
          </Button>
        </div>
        <div className="span-all">
          <FormMessage>{unplacedErrors(submit.errors, ["email", "role"]) ?? submit.problem}</FormMessage>
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry} busy={submit.busy}>
              Retry
            </Button>
          ) : null}
          <FormMessage tone="success">{shared}</FormMessage>
        </div>
      </form>
    </Section>
  );
}

function RoleLegend() {
  const roles: MemberRole[] = ["OWNER", "ADMIN", "EDITOR", "VIEWER"];
  return (
    <Section title="Who can do what" id="members-roles">
      <dl className="role-legend">
        {roles.map((role) => (
          <div key={role}>
            <dt>
              <span className={`role-badge role-${role.toLowerCase()}`}>{ROLE_LABEL[role]}</span>
            </dt>
            <dd>{role === "OWNER" ? `One per account: ${ROLE_DUTIES.OWNER}.` : `${capitalise(ROLE_DUTIES[role])}.`}</dd>
          </div>
        ))}
      </dl>
    </Section>
  );
}

type Step = "menu" | "remove" | "owner";

function MemberDialog({
  accountId,
  myRole,
  member,
  isMe,
  onClose,
}: {
  accountId: string;
  myRole: MemberRole;
  member: Member;
  isMe: boolean;
  onClose: () => void;
}) {
  const controls = memberControls(myRole, member, isMe);
  const name = member.profile.displayName;
  const userId = member.profile.id;
  const [changeRole] = useMutation(ChangeMemberRoleWebDocument);
  const [remove] = useMutation(RemoveMemberWebDocument);
  const [transfer] = useMutation(TransferOwnershipWebDocument);
  const submit = useSubmit<Payload>();
  const [role, setRole] = useState<MemberRole>(member.role === "OWNER" ? "ADMIN" : member.role);
  const [step, setStep] = useState<Step>("menu");

  const saveRole = async (event: FormEvent) => {
    event.preventDefault();
    const done = await submit.run(
      async () => (await changeRole({ variables: { input: { accountId, userId, role } } })).data?.changeMemberRole,
    );
    if (done) onClose();
  };
  const confirmRemove = async () => {
    const done = await submit.run(async () => (await remove({ variables: { input: { accountId, userId } } })).data?.removeMember);
    if (done) onClose();
  };
  const confirmOwner = async () => {
    const done = await submit.run(
      async () => (await transfer({ variables: { input: { accountId, userId } } })).data?.transferOwnership,
    );
    if (done) onClose();
  };

  const message = (
    <>
      <FormMessage>{unplacedErrors(submit.errors, step === "menu" ? ["role"] : []) ?? submit.problem}</FormMessage>
      {submit.problem && submit.retryable ? (
        <Button onClick={submit.retry} busy={submit.busy}>
          Retry
        </Button>
      ) : null}
    </>
  );

  return (
    <Dialog open title={step === "menu" ? `Manage ${name}` : step === "remove" ? `Remove ${name}?` : `Make ${name} the owner?`} onClose={onClose}>
      {step === "menu" ? (
        <div className="member-dialog">
          <p className="muted">
            {member.email} · {ROLE_LABEL[member.role]}
          </p>
          {controls.changeRole ? (
            <form onSubmit={saveRole} className="member-role-form">
              <SelectField
                label={`Role of ${name}`}
                value={role}
                onChange={(e) => setRole(e.target.value as MemberRole)}
                error={submit.errors["role"]}
                hint={`${capitalise(ROLE_DUTIES[role])}.`}
              >
                {GRANTABLE.map((value) => (
                  <option key={value} value={value}>
                    {ROLE_LABEL[value]}
                  </option>
                ))}
              </SelectField>
              <Button type="submit" variant="primary" busy={submit.busy} disabled={role === member.role}>
                Save role
              </Button>
            </form>
          ) : null}
          {message}
          {controls.makeOwner || controls.remove ? (
            <div className="member-dialog-actions">
              {controls.makeOwner ? <Button onClick={() => setStep("owner")}>Make owner</Button> : null}
              {controls.remove ? (
                <Button variant="danger" onClick={() => setStep("remove")}>
                  Remove from account
                </Button>
              ) : null}
            </div>
          ) : null}
        </div>
      ) : step === "remove" ? (
        <div className="member-dialog">
          <p>
            {name} will no longer see this account. The entries they recorded stay, still showing their name. You can share the
            account with them again later.
          </p>
          {message}
          <div className="form-actions">
            <Button onClick={() => setStep("menu")}>Cancel</Button>
            <Button variant="danger" busy={submit.busy} onClick={() => void confirmRemove()}>
              Yes, remove {name}
            </Button>
          </div>
        </div>
      ) : (
        <div className="member-dialog">
          <p>
            {name} becomes the owner of this account and you become an admin. Only the owner can close the account or hand it on, so
            you cannot undo this yourself.
          </p>
          {message}
          <div className="form-actions">
            <Button onClick={() => setStep("menu")}>Cancel</Button>
            <Button variant="primary" busy={submit.busy} onClick={() => void confirmOwner()}>
              Yes, make {name} owner
            </Button>
          </div>
        </div>
      )}
    </Dialog>
  );
}

function LeaveSection({ accountId, accountName }: { accountId: string; accountName: string }) {
  const client = useApolloClient();
  const navigate = useNavigate();
  const [leave] = useMutation(LeaveAccountWebDocument);
  const submit = useSubmit<Payload>();
  const [confirming, setConfirming] = useState(false);

  const confirmLeave = async () => {
    const done = await submit.run(async () => (await leave({ variables: { input: { accountId } } })).data?.leaveAccount);
    if (!done) return;
    // Leave the account's screens first, then drop the account from the cache: the accounts
    // list (which holds a reference to it) no longer shows it, and nothing asks for it again.
    flushSync(() => navigate("/", { replace: true }));
    const id = client.cache.identify({ __typename: "Account", id: accountId });
    if (id) client.cache.evict({ id });
    client.cache.evict({ id: "ROOT_QUERY", fieldName: "householdBudget" });
    client.cache.gc();
  };

  return (
    <Section title="Leave this account" id="members-leave">
      <p>You will no longer see {accountName}. Only someone who can share it can add you again.</p>
      <Button variant="danger" onClick={() => setConfirming(true)}>
        Leave this account
      </Button>
      <Dialog open={confirming} title={`Leave ${accountName}?`} onClose={() => setConfirming(false)}>
        <p>You will lose access to {accountName} at once: its envelopes, history and budget.</p>
        <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
        <div className="form-actions">
          <Button onClick={() => setConfirming(false)}>Stay</Button>
          <Button variant="danger" busy={submit.busy} onClick={() => void confirmLeave()}>
            Yes, leave
          </Button>
        </div>
      </Dialog>
    </Section>
  );
}
