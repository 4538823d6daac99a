import { useApolloClient, useMutation, useQuery } from "@apollo/client/react";
import { useEffect, useState, type FormEvent } from "react";
import { Link } from "react-router";

import { useAuth } from "../../auth/AuthProvider";
import { CreateBackupWebDocument, RestoreBackupWebDocument, RestoreJobWebDocument, type RestoreProgressFragment } from "../../gql/graphql";
import { describeProblem } from "../../lib/requestErrors";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Amount, Button, FormMessage, ProgressBar, Section, TextField } from "../../ui/kit";
import { downloads } from "../history/ExportButton";
import "./backup.css";

type LinkPayload = { url?: string | null; userErrors: readonly UserErrorLike[] };
type RestorePayload = { job?: RestoreProgressFragment | null; userErrors: readonly UserErrorLike[] };

const POLL_MS = 500;

/** Backup and restore of the household: the accounts the person owns, as one file. */
export function BackupSection() {
  return (
    <Section title="Backup and restore" id="backup-section">
      <p className="muted backup-intro">
        A backup is one file with every account you own: envelopes, plans and goals, members, entries, paydays,
        reconciliations, schedules and saved CSV column choices, and your rules. Restoring it adds its accounts as new accounts of yours, here or on another
        Envelopes.
      </p>
      <div className="backup-parts">
        <DownloadBackup />
        <RestoreBackup />
      </div>
    </Section>
  );
}

function DownloadBackup() {
  const submit = useSubmit<LinkPayload>();
  const [createBackup] = useMutation(CreateBackupWebDocument);
  const run = async () => {
    const done = await submit.run(async () => (await createBackup({ variables: { input: {} } })).data?.createBackup);
    if (done?.url) downloads.start(done.url);
  };
  return (
    <div className="backup-part">
      <h3>Download a backup</h3>
      <p className="muted">Keep it somewhere safe: it holds your whole history.</p>
      <Button variant="primary" onClick={() => void run()} busy={submit.busy}>
        {submit.busy ? "Preparing…" : "Download backup"}
      </Button>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
    </div>
  );
}

/** Sends the file to `POST /uploads?kind=backup`; its file id, or the API's reason. */
async function upload(file: File, token: string | null): Promise<{ fileId?: string; message?: string }> {
  if (!token) return { message: "Sign in again to restore a backup." };
  const url = `/uploads?kind=backup&name=${encodeURIComponent(file.name)}`;
  const reply = await fetch(url, { method: "POST", body: file, headers: { Authorization: `Bearer ${token}` } });
  const answer = (await reply.json().catch(() => ({}))) as { fileId?: string; message?: string };
  if (reply.ok && answer.fileId) return { fileId: answer.fileId };
  return { message: answer.message ?? `The upload failed (${reply.status}). Try again.` };
}

function RestoreBackup() {
  const { session } = useAuth();
  const [restoreBackup] = useMutation(RestoreBackupWebDocument);
  const submit = useSubmit<RestorePayload>();
  const [file, setFile] = useState<File | null>(null);
  const [uploading, setUploading] = useState(false);
  const [uploadProblem, setUploadProblem] = useState<string | null>(null);
  const [jobId, setJobId] = useState<string | null>(null);

  const onSubmit = async (event: FormEvent) => {
    event.preventDefault();
    if (!file) return;
    setUploadProblem(null);
    setJobId(null);
    setUploading(true);
    let fileId: string | undefined;
    try {
      const sent = await upload(file, await session.token());
      fileId = sent.fileId;
      if (!fileId) setUploadProblem(sent.message ?? null);
    } catch (error) {
      setUploadProblem(describeProblem(error).message);
    } finally {
      setUploading(false);
    }
    if (!fileId) return;
    const started = await submit.run(
      async () => (await restoreBackup({ variables: { input: { fileId } } })).data?.restoreBackup,
    );
    if (started?.job) setJobId(started.job.id);
  };

  const busy = uploading || submit.busy;
  return (
    <form className="backup-part" onSubmit={(event) => void onSubmit(event)}>
      <h3>Restore from a backup</h3>
      <TextField
        label="Backup file"
        type="file"
        accept=".gz,application/gzip"
        onChange={(event) => setFile(event.target.files?.[0] ?? null)}
        disabled={busy}
      />
      <Button type="submit" disabled={!file} busy={busy}>
        {uploading ? "Uploading…" : submit.busy ? "Starting…" : "Restore"}
      </Button>
      <FormMessage>{uploadProblem ?? unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      {jobId ? <RestoreJobProgress id={jobId} /> : null}
    </form>
  );
}

function RestoreJobProgress({ id }: { id: string }) {
  const client = useApolloClient();
  const { data, error, stopPolling } = useQuery(RestoreJobWebDocument, {
    variables: { id },
    pollInterval: POLL_MS,
    fetchPolicy: "network-only",
    notifyOnNetworkStatusChange: false,
  });
  const job = data?.restoreJob;
  const status = job?.status;
  useEffect(() => {
    if (status !== "DONE" && status !== "FAILED") return;
    stopPolling();
    if (status === "DONE") {
      // The accounts list must show the restored accounts.
      client.cache.evict({ id: "ROOT_QUERY", fieldName: "accounts" });
      client.cache.gc();
    }
  }, [status, stopPolling, client]);
  if (error && !job) return <FormMessage>{describeProblem(error).message}</FormMessage>;
  if (!job) return <p className="muted">Checking the file…</p>;
  if (job.status === "FAILED") {
    return <FormMessage>{`The restore failed: ${job.error?.message ?? "unknown reason"} Nothing of it was kept.`}</FormMessage>;
  }
  if (job.status === "DONE") {
    return (
      <div className="restore-done" role="status">
        <FormMessage tone="success">{`Restored ${job.accounts.length} account${job.accounts.length === 1 ? "" : "s"}.`}</FormMessage>
        <ul className="restore-accounts">
          {job.accounts.map((account) => (
            <li key={account.id}>
              <Link to={`/accounts/${account.id}`}>{account.name}</Link> <Amount money={account.balance} />
            </li>
          ))}
        </ul>
        {job.membersNotRestored.length ? (
          <p className="muted">
            Not restored, as they have no Envelopes login here yet: {job.membersNotRestored.join(", ")}. Share the
            accounts with them again once they have signed up.
          </p>
        ) : null}
      </div>
    );
  }
  const share = job.entriesTotal ? (100 * job.entriesRestored) / job.entriesTotal : 0;
  return (
    <div className="restore-progress" role="status">
      <ProgressBar value={share} label="Restore progress" />
      <span className="muted">
        {job.status === "VERIFYING"
          ? "Checking the file…"
          : `Restoring: ${job.entriesRestored.toLocaleString()} of ${job.entriesTotal.toLocaleString()} entries`}
      </span>
    </div>
  );
}
