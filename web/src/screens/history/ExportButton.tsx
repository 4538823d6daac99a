import { useMutation } from "@apollo/client/react";

import { ExportHistoryWebDocument, type TransactionFilter } from "../../gql/graphql";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Button, FormMessage } from "../../ui/kit";

type ExportPayload = { url?: string | null; userErrors: readonly UserErrorLike[] };

/**
 * Starts a download of `url` the way a link does: the browser streams the file to disk (no copy
 * of it in the page's memory), and the app stays where it is. Replaceable in tests.
 */
export const downloads = {
  start(url: string) {
    const link = document.createElement("a");
    link.href = url;
    link.download = "";
    link.rel = "noopener";
    document.body.append(link);
    link.click();
    link.remove();
  },
};

/** "Export CSV": the entries of the current filter as a CSV file (every role may export). */
export function ExportButton({ accountId, filter }: { accountId: string; filter: TransactionFilter | null }) {
  const submit = useSubmit<ExportPayload>();
  const [exportHistory] = useMutation(ExportHistoryWebDocument);
  const run = async () => {
    const done = await submit.run(async () => {
      const result = await exportHistory({ variables: { input: { accountId, filter } } });
      return result.data?.exportHistory;
    });
    if (done?.url) downloads.start(done.url);
  };
  const message = unplacedErrors(submit.errors, []) ?? submit.problem;
  return (
    <div className="history-export">
      <Button onClick={() => void run()} busy={submit.busy}>
        {submit.busy ? "Exporting…" : "Export CSV"}
      </Button>
      <FormMessage>{message}</FormMessage>
      {submit.problem && submit.retryable ? (
        <Button onClick={submit.retry} busy={submit.busy}>
          Retry
        </Button>
      ) : null}
    </div>
  );
}
