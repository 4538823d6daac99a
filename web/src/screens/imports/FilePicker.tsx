import { useMutation } from "@apollo/client/react";
import { useId, useState, type DragEvent } from "react";

import { StartImportWebDocument, type ImportJobFieldsFragment } from "../../gql/graphql";
import { describeProblem } from "../../lib/requestErrors";
import { useUpload } from "../../lib/upload";
import { fieldErrors, unplacedErrors } from "../../lib/userErrors";
import { FormMessage, Section } from "../../ui/kit";
import { ProgressMeter } from "./ProgressMeter";

const ACCEPT = ".csv,.txt,.ofx,.qfx,.qif,.xml,.053";

/**
 * Step 1: a bank file chosen (or dropped), sent with its progress, then its dry run started.
 * A file the API refuses (not what it claims, too large) is explained here, nothing started.
 */
export function FilePicker({ accountId, onStarted }: { accountId: string; onStarted: (job: ImportJobFieldsFragment, fileId: string) => void }) {
  const inputId = useId();
  const { upload, progress, error: uploadError, busy: sending } = useUpload();
  const [start] = useMutation(StartImportWebDocument, {
    update: (cache) => {
      cache.evict({ id: "ROOT_QUERY", fieldName: "importJobs" });
      cache.gc();
    },
  });
  const [starting, setStarting] = useState(false);
  const [refusal, setRefusal] = useState<string | null>(null);
  const [dragging, setDragging] = useState(false);

  const take = async (file: File | undefined) => {
    if (!file || sending || starting) return;
    setRefusal(null);
    const sent = await upload("import", file);
    if (!sent) return;
    setStarting(true);
    try {
      const answer = await start({ variables: { input: { accountId, fileId: sent.fileId, dryRun: true } } });
      const payload = answer.data?.startImport;
      if (payload?.job && !payload.userErrors.length) onStarted(payload.job, sent.fileId);
      else setRefusal(unplacedErrors(fieldErrors(payload?.userErrors), []) ?? "The file could not be read.");
    } catch (caught) {
      setRefusal(describeProblem(caught).message);
    } finally {
      setStarting(false);
    }
  };

  const onDrop = (event: DragEvent) => {
    event.preventDefault();
    setDragging(false);
    void take(event.dataTransfer.files[0]);
  };

  const message = refusal ?? uploadError?.message ?? null;
  return (
    <Section title="Import a bank file" id="import-pick">
      <label
        htmlFor={inputId}
        className={`import-drop${dragging ? " import-drop-over" : ""}`}
        onDragOver={(event) => {
          event.preventDefault();
          setDragging(true);
        }}
        onDragLeave={() => setDragging(false)}
        onDrop={onDrop}
      >
        <span className="import-drop-title">Choose a file, or drop it here</span>
        <span className="muted">OFX or QFX, QIF, CAMT.053 (XML) or CSV, as your bank exports them. Nothing is booked before you confirm the preview.</span>
        <input
          id={inputId}
          type="file"
          accept={ACCEPT}
          aria-label="Bank file"
          disabled={sending || starting}
          onChange={(event) => {
            void take(event.target.files?.[0]);
            event.target.value = "";
          }}
        />
      </label>
      {sending && progress ? (
        <ProgressMeter label="Sending the file" value={progress.sent} max={progress.total || 1} text={`${kilobytes(progress.sent)} of ${kilobytes(progress.total)}`} />
      ) : null}
      {starting ? <p className="muted" role="status">Reading the file…</p> : null}
      <FormMessage>{message}</FormMessage>
    </Section>
  );
}

function kilobytes(bytes: number): string {
  if (bytes < 1024) return `${bytes} B`;
  if (bytes < 1024 * 1024) return `${Math.ceil(bytes / 1024)} KB`;
  return `${(Math.round((bytes * 10) / (1024 * 1024)) / 10).toFixed(1)} MB`;
}
