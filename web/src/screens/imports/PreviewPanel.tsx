import type { ImportCountsFieldsFragment, ImportJobFieldsFragment, ImportRowFieldsFragment, ProposalReason } from "../../gql/graphql";
import { formatDate } from "../../lib/ids";
import { formatMoney } from "../../lib/money";
import { Amount, Button } from "../../ui/kit";
import { plural } from "./mapping";

const REASON_LABEL: Record<ProposalReason, string> = { RULE: "Rule", LEARNED: "Learned", NONE: "No match" };

/** What a dry run found (or a commit did), one figure each. */
export function ImportFigures({ counts, label }: { counts: ImportCountsFieldsFragment; label: string }) {
  const figures: [string, number, string][] = [
    ["New", counts.new, "new"],
    ["Duplicates", counts.duplicates, "duplicates"],
    ["Matched", counts.matched, "matched"],
    ["Flagged for review", counts.flaggedForReview, "review"],
    ["Malformed rows", counts.errors, "errors"],
  ];
  return (
    <dl className="import-figures" aria-label={label}>
      {figures.map(([title, value, key]) => (
        <div key={key} className={`import-figure import-figure-${key}${value ? "" : " import-figure-zero"}`}>
          <dt>{title}</dt>
          <dd>{value}</dd>
        </div>
      ))}
    </dl>
  );
}

/** The malformed rows (skipped; the others go on), by line and reason. */
export function MalformedRows({ job, booked }: { job: Pick<ImportJobFieldsFragment, "errors" | "counts">; booked: boolean }) {
  if (!job.errors.length) return null;
  const more = job.counts.errors - job.errors.length;
  return (
    <div className="import-malformed" role="group" aria-label="Malformed rows">
      <p className="import-malformed-title">{plural(job.counts.errors, "row could not be read", "rows could not be read")} and {booked ? (job.counts.errors === 1 ? "was" : "were") : "will be"} skipped:</p>
      <ul>
        {job.errors.map((error) => (
          <li key={`${error.line}-${error.reason}`}>
            <strong>Line {error.line}:</strong> {error.reason}
          </li>
        ))}
      </ul>
      {more > 0 ? <p className="muted">…and {plural(more, "more", "more")}.</p> : null}
    </div>
  );
}

/** The dry run's rows: what each would become, with its envelope and why. */
export function PreviewRows({
  rows,
  total,
  hasMore,
  loadingMore,
  onLoadMore,
}: {
  rows: readonly ImportRowFieldsFragment[];
  total: number;
  hasMore: boolean;
  loadingMore: boolean;
  onLoadMore: () => void;
}) {
  if (!rows.length) return null;
  return (
    <>
      <div className="import-table-wrap">
        <table className="table import-rows" aria-label="Rows of the file">
          <thead>
            <tr>
              <th scope="col">Line</th>
              <th scope="col">Date</th>
              <th scope="col">Payee</th>
              <th scope="col" className="num">
                Amount
              </th>
              <th scope="col">Status</th>
              <th scope="col">Envelope, and why</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((row) => (
              <tr key={row.index} className={`import-row import-row-${row.status.toLowerCase()}`}>
                <td className="muted">{row.line}</td>
                <td className="import-nowrap">{formatDate(row.date)}</td>
                <td>
                  <span className="import-payee">{row.payee || "—"}</span>
                  {row.memo ? <span className="import-memo">{row.memo}</span> : null}
                </td>
                <td className="num">
                  <Amount money={row.amount} signed />
                </td>
                <td>
                  <RowStatus row={row} />
                </td>
                <td>
                  <Proposal row={row} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
      <div className="import-more">
        <span className="muted">
          {rows.length < total ? `Showing ${rows.length} of ${total} rows` : plural(total, "row", "rows")}
        </span>
        {hasMore ? (
          <Button onClick={onLoadMore} busy={loadingMore}>
            Load more
          </Button>
        ) : null}
      </div>
    </>
  );
}

function RowStatus({ row }: { row: ImportRowFieldsFragment }) {
  const label = row.status === "NEW" ? (row.envelopes.length ? "New" : "New · review") : row.status === "DUPLICATE" ? "Duplicate" : "Matched";
  return <span className={`import-status import-status-${row.status.toLowerCase()}${row.status === "NEW" && !row.envelopes.length ? " import-status-review" : ""}`}>{label}</span>;
}

function Proposal({ row }: { row: ImportRowFieldsFragment }) {
  if (row.status === "DUPLICATE") return <span className="muted">Imported before: skipped</span>;
  if (row.status === "MATCHED") {
    const entry = row.matchedTransaction;
    return (
      <span className="import-proposal">
        <span>
          Your entry {entry?.payee ? `“${entry.payee}”` : ""}
          {entry ? ` of ${formatDate(entry.bookingDate)}` : ""} — not added twice
        </span>
        {row.matchReasons.length ? <span className="import-why">{row.matchReasons.join("; ")}</span> : null}
      </span>
    );
  }
  const reason = row.reason ?? "NONE";
  const split = row.envelopes.length > 1;
  return (
    <span className="import-proposal">
      <span>
        {row.envelopes.length
          ? row.envelopes.map((portion) => `${portion.envelope?.name ?? "Available"}${split ? ` ${formatMoney(portion.amount)}` : ""}`).join(", ")
          : "Available — flagged for review"}{" "}
        <span className={`import-reason import-reason-${reason.toLowerCase()}`}>{REASON_LABEL[reason]}</span>
      </span>
      {row.explanation ? <span className="import-why">{row.explanation}</span> : null}
    </span>
  );
}
