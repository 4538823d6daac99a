import { useMutation, useQuery } from "@apollo/client/react";
import { useState, type FormEvent } from "react";

import { ChangePasswordWebDocument, MySessionsDocument, SignOutSessionWebDocument, type MySessionsQuery } from "../../gql/graphql";
import { formatDateTime } from "../../lib/ids";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, Empty, FormMessage, Loading, Problem, Section, TextField } from "../../ui/kit";
import { AlertSettingsSection } from "./AlertSettingsSection";
import { AutoCategoriseSection } from "./AutoCategoriseSection";
import { BackupSection } from "./BackupSection";
import { deviceName, timeAgo } from "./deviceName";
import "./devices.css";

type LoginSession = MySessionsQuery["me"]["sessions"]["edges"][number]["node"];
type Payload = { userErrors: readonly UserErrorLike[] };

const PAGE = 20;

export function DevicesScreen() {
  return (
    <div className="page stack devices-screen">
      <header className="page-header">
        <h1>Your devices, password, filing, alerts and backups</h1>
      </header>
      <DeviceList />
      <ChangePasswordForm />
      <AutoCategoriseSection />
      <AlertSettingsSection />
      <BackupSection />
    </div>
  );
}

function DeviceList() {
  const { data, loading, error, refetch, fetchMore } = useQuery(MySessionsDocument, { variables: { first: PAGE } });
  const [more, setMore] = useState(false);
  const connection = data?.me.sessions;

  let body;
  if (loading && !connection) body = <Loading label="Loading your devices…" />;
  else if (error && !connection) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!connection?.edges.length) body = <Empty title="No devices are signed in." />;
  else {
    body = (
      <>
        <ul className="device-list">
          {connection.edges.map(({ node }) => (
            <DeviceRow key={node.id} session={node} />
          ))}
        </ul>
        {connection.pageInfo.hasNextPage ? (
          <Button
            busy={more}
            onClick={async () => {
              setMore(true);
              try {
                await fetchMore({ variables: { first: PAGE, after: connection.pageInfo.endCursor } });
              } finally {
                setMore(false);
              }
            }}
          >
            Show more devices
          </Button>
        ) : null}
      </>
    );
  }
  return (
    <Section title="Signed-in devices" id="devices-list">
      <p className="muted devices-intro">
        Every browser or phone where you are signed in. If you do not recognise one, sign it out and change your password.
      </p>
      {body}
    </Section>
  );
}

function DeviceRow({ session }: { session: LoginSession }) {
  const [signOut] = useMutation(SignOutSessionWebDocument);
  const submit = useSubmit<Payload>();
  const name = deviceName(session.userAgent);

  const onSignOut = async () => {
    await submit.run(
      async () =>
        (
          await signOut({
            variables: { input: { id: session.id } },
            update: (cache, { data }) => {
              if (!data?.signOutSession.ok) return;
              // The connection's read drops edges whose node is gone: the row disappears.
              const id = cache.identify({ __typename: "LoginSession", id: session.id });
              if (id) cache.evict({ id });
              cache.gc();
            },
          })
        ).data?.signOutSession,
    );
  };

  return (
    <li className={`device-row${session.current ? " device-current" : ""}`}>
      <DeviceIcon phone={/iPhone|Android.*Mobile/.test(session.userAgent ?? "")} />
      <div className="device-main">
        <span className="device-name">
          {name}
          {session.current ? <span className="device-this">This device</span> : null}
        </span>
        <span className="device-meta">
          {session.current ? (
            "In use now"
          ) : (
            <>
              Last used <time dateTime={session.lastUsedAt} title={formatDateTime(session.lastUsedAt)}>{timeAgo(session.lastUsedAt)}</time>
            </>
          )}
          {" · "}Signed in {formatDateTime(session.createdAt)}
          {session.ip ? ` · ${session.ip}` : ""}
        </span>
        {submit.problem || Object.keys(submit.errors).length ? (
          <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
        ) : null}
      </div>
      {session.current ? null : (
        <div className="device-actions">
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry} busy={submit.busy}>
              Retry
            </Button>
          ) : (
            <Button variant="danger" busy={submit.busy} onClick={() => void onSignOut()} title={`Sign out ${name}`}>
              Sign out
            </Button>
          )}
        </div>
      )}
    </li>
  );
}

function ChangePasswordForm() {
  const [change] = useMutation(ChangePasswordWebDocument, { refetchQueries: [MySessionsDocument] });
  const submit = useSubmit<Payload & { signedOutSessions: number }>();
  const [currentPassword, setCurrent] = useState("");
  const [newPassword, setNew] = useState("");
  const [repeat, setRepeat] = useState("");
  const [mismatch, setMismatch] = useState(false);
  const [done, setDone] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    setDone(null);
    if (newPassword !== repeat) {
      setMismatch(true);
      return;
    }
    setMismatch(false);
    const payload = await submit.run(
      async () => (await change({ variables: { input: { currentPassword, newPassword } } })).data?.changePassword,
    );
    if (payload) {
      const n = payload.signedOutSessions;
      setDone(`Password changed. Signed out ${n} other device${n === 1 ? "" : "s"}.`);
      setCurrent("");
      setNew("");
      setRepeat("");
    }
  };

  return (
    <Section title="Change password" id="devices-password">
      <form onSubmit={onSubmit} noValidate className="password-form">
        <TextField
          label="Current password"
          type="password"
          autoComplete="current-password"
          value={currentPassword}
          onChange={(e) => setCurrent(e.target.value)}
          error={submit.errors["currentPassword"]}
          required
        />
        <TextField
          label="New password"
          type="password"
          autoComplete="new-password"
          value={newPassword}
          onChange={(e) => setNew(e.target.value)}
          error={submit.errors["newPassword"]}
          hint="At least 10 characters. Every other device will be signed out."
          required
        />
        <TextField
          label="Repeat the new password"
          type="password"
          autoComplete="new-password"
          value={repeat}
          onChange={(e) => {
            setRepeat(e.target.value);
            setMismatch(false);
          }}
          error={mismatch ? "The two new passwords are not the same." : null}
          required
        />
        <FormMessage>{unplacedErrors(submit.errors, ["currentPassword", "newPassword"]) ?? submit.problem}</FormMessage>
        <FormMessage tone="success">{done}</FormMessage>
        <div className="form-actions">
          {submit.problem && submit.retryable ? (
            <Button onClick={submit.retry} busy={submit.busy}>
              Retry
            </Button>
          ) : null}
          <Button type="submit" variant="primary" busy={submit.busy} disabled={!currentPassword || !newPassword || !repeat}>
            Change password
          </Button>
        </div>
      </form>
    </Section>
  );
}

function DeviceIcon({ phone }: { phone: boolean }) {
  return (
    <span className="device-icon" aria-hidden="true">
      <svg viewBox="0 0 24 24" width="22" height="22" fill="none" stroke="currentColor" strokeWidth="1.8" strokeLinejoin="round">
        {phone ? (
          <>
            <rect x="6.5" y="2.5" width="11" height="19" rx="2.2" />
            <path d="M10.5 18.5h3" strokeLinecap="round" />
          </>
        ) : (
          <>
            <rect x="4" y="4.5" width="16" height="11" rx="1.6" />
            <path d="M2 19.5h20" strokeLinecap="round" />
          </>
        )}
      </svg>
    </span>
  );
}
