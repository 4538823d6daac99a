import { useApolloClient, useMutation, useQuery, useSubscription } from "@apollo/client/react";
import { useEffect, useRef, useState } from "react";
import { Link, useSearchParams } from "react-router";

import { afterMoneyChange } from "../../apollo/afterChange";
import {
  AccountBoardDocument,
  CancelImportWebDocument,
  CommitImportWebDocument,
  ImportJobWebDocument,
  ImportProgressLiveDocument,
  ResumeImportWebDocument,
  StartImportWebDocument,
  type CsvMappingInput,
  type ImportJobFieldsFragment,
  type ImportStatus,
} from "../../gql/graphql";
import { describeProblem } from "../../lib/requestErrors";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { fieldErrors, unplacedErrors, type FieldErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, Empty, FormMessage, Loading, Problem, Section } from "../../ui/kit";
import { useAccount } from "../account/useAccount";
import { FilePicker } from "./FilePicker";
import { isCancellable, isWorking, mappingErrors, PHASE_OF, plural, progressOf, STATUS_LABEL } from "./mapping";
import { MappingPanel } from "./MappingPanel";
import { ImportFigures, MalformedRows, PreviewRows } from "./PreviewPanel";
import { ProgressMeter } from "./ProgressMeter";
import { RecentImports } from "./RecentImports";
import "./imports.css";

const PAGE = 50;
/** A job at work whose figures have not moved for this long may have lost its process. */
const STALLED_MS = 60_000;

/**
 * Importing a bank file into the account: choose it, (map a CSV's columns), look at the dry
 * run, commit, follow the progress. The job shown is in the URL (?job=…, with the uploaded
 * ?file=… to map it again), so a reload or a recent import opens where it stands.
 */
export function ImportScreen() {
  const { account } = useAccount();
  const [params, setParams] = useSearchParams();
  const jobId = params.get("job");
  const fileId = params.get("file");
  const writable = can.edit(account.myRole) && !account.closed;
  const open = (job: { id: string }, file: string | null) => setParams(file ? { job: job.id, file } : { job: job.id });
  return (
    <div className="imports stack">
      {jobId ? (
        <JobView key={jobId} jobId={jobId} fileId={fileId} accountId={account.id} writable={writable} onOpen={open} onClose={() => setParams({})} />
      ) : writable ? (
        <FilePicker accountId={account.id} onStarted={open} />
      ) : (
        <p className="read-only-note" role="note">
          Only editors of this account can import bank files. You can see its recent imports.
        </p>
      )}
      <RecentImports accountId={account.id} current={jobId} />
    </div>
  );
}

interface JobViewProps {
  jobId: string;
  fileId: string | null;
  accountId: string;
  writable: boolean;
  onOpen: (job: { id: string }, fileId: string | null) => void;
  onClose: () => void;
}

function JobView({ jobId, fileId, accountId, writable, onOpen, onClose }: JobViewProps) {
  const main = useQuery(ImportJobWebDocument, { variables: { id: jobId, first: PAGE } });
  const job = main.data?.importJob;
  const working = job ? isWorking(job.status) : false;
  // While some process works on the job, its figures come live from `importProgress` (the
  // job by id in the cache; the rows are not sent), whichever API process does the work.
  useSubscription(ImportProgressLiveDocument, { variables: { jobId }, skip: !working });
  useSettled(job?.status, accountId, () => void main.refetch());
  const [remapping, setRemapping] = useState(false);
  const [loadingMore, setLoadingMore] = useState(false);

  if (main.loading && !job) return <Loading label="Opening the import…" />;
  if (!job) {
    if (main.error && describeProblem(main.error).code !== "NOT_FOUND") return <Problem error={main.error} onRetry={() => void main.refetch()} />;
    return (
      <Empty title="This import does not exist or is not shared with you.">
        <Button onClick={onClose}>Import a file</Button>
      </Empty>
    );
  }

  const phase = PHASE_OF[job.status];
  const rows = job.rows.edges.map((edge) => edge.node);
  const loadMore = async () => {
    setLoadingMore(true);
    try {
      await main.fetchMore({ variables: { first: PAGE, after: job.rows.pageInfo.endCursor } });
    } finally {
      setLoadingMore(false);
    }
  };

  if ((phase === "mapping" || remapping) && writable) {
    return fileId ? (
      <Remap job={job} fileId={fileId} accountId={accountId} onOpen={onOpen} onCancel={remapping ? () => setRemapping(false) : null} onDiscarded={onClose} />
    ) : (
      <Empty title={`Choose ${job.fileName} again to map its columns.`}>
        <Button variant="primary" onClick={onClose}>
          Choose the file
        </Button>
      </Empty>
    );
  }

  return (
    <Section
      title={job.fileName}
      id="import-job"
      actions={
        <>
          <span className={`import-badge import-badge-${job.status.toLowerCase()}`}>{STATUS_LABEL[job.status]}</span>
          {writable && !working ? <Button onClick={onClose}>Import another file</Button> : null}
        </>
      }
    >
      {job.detail ? <p className="muted import-lead">{job.detail}</p> : null}
      {phase === "analysing" ? <ProgressMeter label="Reading the file" {...meter(job)} /> : null}
      {phase === "preview" ? (
        <>
          <ImportFigures counts={job.counts} label="What the file holds" />
          {job.csvMapping && writable && fileId ? (
            <p className="import-mapping-note">
              <span className="muted">Read as CSV with the columns {describeMapping(job.csvMapping)}.</span>{" "}
              <Button variant="ghost" onClick={() => setRemapping(true)}>
                Change the columns
              </Button>
            </p>
          ) : null}
        </>
      ) : null}
      {phase === "committing" || phase === "done" || phase === "failed" || (phase === "cancelled" && job.previewCounts) ? (
        <ProgressMeter label="Importing" {...meter(job)} />
      ) : null}
      {phase === "done" ? <Summary job={job} accountId={accountId} /> : null}
      {phase === "failed" ? <FormMessage>{`The import stopped: ${job.failure ?? "an unexpected error"}. Resume it to go on where it stopped.`}</FormMessage> : null}
      {phase === "cancelled" ? (
        <FormMessage tone="info">
          {job.previewCounts ? "This import was stopped. The rows booked before that stay booked." : "This import was cancelled: nothing was booked."}
        </FormMessage>
      ) : null}
      {writable ? <JobActions job={job} /> : null}
      <MalformedRows job={job} booked={phase !== "preview" && phase !== "analysing"} />
      {phase === "preview" ? (
        <PreviewRows rows={rows} total={job.counts.rows} hasMore={job.rows.pageInfo.hasNextPage} loadingMore={loadingMore} onLoadMore={() => void loadMore()} />
      ) : null}
    </Section>
  );
}

function meter(job: ImportJobFieldsFragment) {
  const progress = progressOf(job);
  return { value: progress.done, max: progress.total, text: progress.text };
}

function describeMapping(mapping: NonNullable<ImportJobFieldsFragment["csvMapping"]>): string {
  const parts = [
    mapping.date ? `date “${mapping.date}”` : null,
    mapping.amount ? `amount “${mapping.amount}”` : null,
    mapping.debit ? `money out “${mapping.debit}”` : null,
    mapping.credit ? `money in “${mapping.credit}”` : null,
    mapping.payee ? `payee “${mapping.payee}”` : null,
    mapping.memo ? `memo “${mapping.memo}”` : null,
  ];
  return parts.filter(Boolean).join(", ");
}

/**
 * When the job stops working: a finished dry run's rows are fetched; a commit that ran (done,
 * failed or stopped) changed the account, whose cached history, totals and balances are
 * refreshed; the recent imports too.
 */
function useSettled(status: ImportStatus | undefined, accountId: string, refetchRows: () => void) {
  const client = useApolloClient();
  const seen = useRef<ImportStatus | undefined>(status);
  useEffect(() => {
    const before = seen.current;
    seen.current = status;
    if (!before || !status || !isWorking(before) || isWorking(status)) return;
    if (status === "PREVIEW") refetchRows();
    if (before === "QUEUED" || before === "RUNNING") {
      afterMoneyChange(client.cache, [accountId]);
      void client.refetchQueries({ include: [AccountBoardDocument] });
    }
    client.cache.evict({ id: "ROOT_QUERY", fieldName: "importJobs" });
    client.cache.gc();
  }, [status, accountId, client, refetchRows]);
}

type Payload = { userErrors: readonly UserErrorLike[] };

function JobActions({ job }: { job: ImportJobFieldsFragment }) {
  const submit = useSubmit<Payload>();
  const [commit] = useMutation(CommitImportWebDocument);
  const [resume] = useMutation(ResumeImportWebDocument);
  const [cancel] = useMutation(CancelImportWebDocument);
  const input = { jobId: job.id };
  const phase = PHASE_OF[job.status];
  const stalled = isWorking(job.status) && Date.now() - Date.parse(job.updatedAt) > STALLED_MS;
  const toBook = job.counts.new + job.counts.matched;

  const doCommit = () =>
    void submit.run(async (idempotencyKey) => (await commit({ variables: { input: { ...input, idempotencyKey } } })).data?.commitImport);
  const doResume = () => void submit.run(async () => (await resume({ variables: { input } })).data?.resumeImport);
  const doCancel = () => void submit.run(async () => (await cancel({ variables: { input } })).data?.cancelImport);

  const buttons = (
    <>
      {phase === "preview" && toBook > 0 ? (
        <Button variant="primary" busy={submit.busy} onClick={doCommit}>
          {job.counts.new > 0 ? `Import ${plural(job.counts.new, "entry", "entries")}` : `Link ${plural(job.counts.matched, "matched entry", "matched entries")}`}
        </Button>
      ) : null}
      {phase === "failed" || stalled ? (
        <Button variant="primary" busy={submit.busy} onClick={doResume}>
          Resume
        </Button>
      ) : null}
      {isCancellable(job.status) ? (
        <Button variant={phase === "committing" ? "danger" : "secondary"} busy={submit.busy} onClick={doCancel}>
          {phase === "committing" ? "Stop the import" : phase === "preview" ? "Discard" : "Cancel"}
        </Button>
      ) : null}
    </>
  );
  return (
    <div className="import-actions">
      {phase === "preview" && toBook === 0 ? (
        <FormMessage tone="info">Nothing to import: every row of this file is in the account already.</FormMessage>
      ) : null}
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
      <div className="form-actions">
        {submit.problem && submit.retryable ? (
          <Button onClick={submit.retry} busy={submit.busy}>
            Retry (same request)
          </Button>
        ) : null}
        {buttons}
      </div>
    </div>
  );
}

function Summary({ job, accountId }: { job: ImportJobFieldsFragment; accountId: string }) {
  const c = job.counts;
  const history = `/accounts/${accountId}/history`;
  return (
    <div className="import-summary" role="status" aria-label="Import summary">
      <p className="import-summary-title">
        {c.new ? `${plural(c.new, "entry", "entries")} imported.` : "Nothing new was imported."}
        {c.duplicates ? ` ${plural(c.duplicates, "duplicate", "duplicates")} skipped.` : ""}
        {c.matched ? ` ${plural(c.matched, "entry", "entries")} you had typed matched.` : ""}
      </p>
      <ImportFigures counts={c} label="What the import did" />
      <p className="import-links">
        <Link to={history}>See them in the history</Link>
        {c.flaggedForReview ? (
          <>
            {" · "}
            <Link to={`/accounts/${accountId}/review`}>Review {plural(c.flaggedForReview, "flagged entry", "flagged entries")}</Link>
          </>
        ) : null}
      </p>
    </div>
  );
}

/** A new dry run of the same file with the mapping chosen; the job it replaces is cancelled. */
function Remap({
  job,
  fileId,
  accountId,
  onOpen,
  onCancel,
  onDiscarded,
}: {
  job: ImportJobFieldsFragment;
  fileId: string;
  accountId: string;
  onOpen: (job: { id: string }, fileId: string | null) => void;
  /** Back to the preview; null: cancelling discards the job waiting for its mapping. */
  onCancel: (() => void) | null;
  onDiscarded: () => void;
}) {
  const [start] = useMutation(StartImportWebDocument);
  const [cancel] = useMutation(CancelImportWebDocument);
  const [busy, setBusy] = useState(false);
  const [errors, setErrors] = useState<FieldErrors>({});

  const restart = async (csvMapping: CsvMappingInput) => {
    setBusy(true);
    setErrors({});
    try {
      const answer = await start({
        variables: { input: { accountId, fileId, csvMapping, dryRun: true } },
        update: (cache) => {
          cache.evict({ id: "ROOT_QUERY", fieldName: "importJobs" });
          cache.gc();
        },
      });
      const payload = answer.data?.startImport;
      if (!payload?.job || payload.userErrors.length) {
        setErrors(mappingErrors(fieldErrors(payload?.userErrors)));
        return;
      }
      if (isCancellable(job.status)) await cancel({ variables: { input: { jobId: job.id } } }).catch(() => undefined);
      onOpen(payload.job, fileId);
    } catch (caught) {
      setErrors({ "": describeProblem(caught).message });
    } finally {
      setBusy(false);
    }
  };

  const discard = async () => {
    setBusy(true);
    try {
      await cancel({ variables: { input: { jobId: job.id } } });
      onDiscarded();
    } catch (caught) {
      setErrors({ "": describeProblem(caught).message });
    } finally {
      setBusy(false);
    }
  };

  return (
    <MappingPanel job={job} busy={busy} serverErrors={errors} onSubmit={(mapping) => void restart(mapping)} onCancel={onCancel ?? (() => void discard())} />
  );
}
