import { useQuery } from "@apollo/client/react";
import { Link } from "react-router";

import { ImportJobsWebDocument } from "../../gql/graphql";
import { formatDateTime } from "../../lib/ids";
import { Problem, Section } from "../../ui/kit";
import { plural, STATUS_LABEL } from "./mapping";

const RECENT = 10;

/** The account's latest imports, each opening on this screen (its preview, progress or summary). */
export function RecentImports({ accountId, current }: { accountId: string; current: string | null }) {
  const { data, error, refetch } = useQuery(ImportJobsWebDocument, { variables: { accountId, first: RECENT }, fetchPolicy: "cache-and-network" });
  const jobs = data?.importJobs.edges.map((edge) => edge.node) ?? [];
  return (
    <Section title="Recent imports" id="import-recent">
      {error && !data ? <Problem error={error} onRetry={() => void refetch()} /> : null}
      {data && !jobs.length ? <p className="muted">No file has been imported into this account yet.</p> : null}
      {jobs.length ? (
        <ul className="import-recent">
          {jobs.map((job) => {
            const c = job.counts;
            const summary = [
              c.new ? `${c.new} new` : null,
              c.duplicates ? plural(c.duplicates, "duplicate", "duplicates") : null,
              c.matched ? `${c.matched} matched` : null,
              c.errors ? plural(c.errors, "malformed row", "malformed rows") : null,
            ].filter(Boolean);
            return (
              <li key={job.id} className={job.id === current ? "import-recent-current" : undefined}>
                <Link to={`?job=${encodeURIComponent(job.id)}`} aria-current={job.id === current ? "page" : undefined}>
                  {job.fileName}
                </Link>
                <span className={`import-badge import-badge-${job.status.toLowerCase()}`}>{STATUS_LABEL[job.status]}</span>
                <span className="muted import-recent-when">{formatDateTime(job.createdAt)}</span>
                <span className="muted import-recent-counts">{summary.join(" · ") || "Nothing read yet"}</span>
              </li>
            );
          })}
        </ul>
      ) : null}
    </Section>
  );
}
