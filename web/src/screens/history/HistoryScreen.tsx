import { useMutation, useQuery } from "@apollo/client/react";
import { useCallback, useEffect, useMemo, useRef, useState } from "react";
import { useSearchParams } from "react-router";

import { HistoryPageDocument, HistoryTotalsDocument, type HistoryEntryFragment, type HistoryPageQuery, SetEntriesClearedWebDocument, type HistoryTotalsQuery } from "../../gql/graphql";
import { describeProblem } from "../../lib/requestErrors";
import { can } from "../../lib/roles";
import { useSubmit } from "../../lib/useSubmit";
import { unplacedErrors, type UserErrorLike } from "../../lib/userErrors";
import { Amount, Button, Empty, FormMessage, Loading, Problem } from "../../ui/kit";
import { useAccount } from "../account/useAccount";
import { RecategoriseDialog } from "../review/RecategoriseDialog";
import { clearedOptimistically, EntryRow } from "./EntryRow";
import { ExportButton } from "./ExportButton";
import { FilterBar } from "./FilterBar";
import { filterFromParams } from "./filters";
import "./history.css";

export const PAGE_SIZE = 30;

type Connection = NonNullable<HistoryPageQuery["account"]>["transactions"];

export function HistoryScreen() {
  const { account } = useAccount();
  const [params, setParams] = useSearchParams();
  const filter = useMemo(() => filterFromParams(params), [params]);
  const filterKey = JSON.stringify(filter);
  const editable = can.edit(account.myRole);
  const undoable = editable && !account.closed;

  const page = useQuery(HistoryPageDocument, {
    variables: { id: account.id, first: PAGE_SIZE, filter },
    notifyOnNetworkStatusChange: true,
  });
  const totals = useQuery(HistoryTotalsDocument, { variables: { id: account.id, filter } });

  // While the list reloads (after an undo evicted it), keep showing what was there for the same
  // filter; a new filter shows its own loading state instead of the old filter's entries.
  const shown = useRef<{ key: string; connection: Connection } | null>(null);
  const fresh = page.data?.account?.id === account.id ? page.data.account.transactions : undefined;
  if (fresh) shown.current = { key: `${account.id}|${filterKey}`, connection: fresh };
  const connection = fresh ?? (shown.current?.key === `${account.id}|${filterKey}` ? shown.current.connection : undefined);
  const entries = useMemo(() => connection?.edges.map((edge) => edge.node) ?? [], [connection]);
  const pageInfo = connection?.pageInfo;

  // Loading the next page: one at a time, from the sentinel or the button.
  const [loadingMore, setLoadingMore] = useState(false);
  const [moreError, setMoreError] = useState<unknown>(null);
  const busyRef = useRef(false);
  const { fetchMore } = page;
  const loadMore = useCallback(async () => {
    if (busyRef.current || !pageInfo?.hasNextPage || !pageInfo.endCursor) return;
    busyRef.current = true;
    setLoadingMore(true);
    setMoreError(null);
    try {
      await fetchMore({ variables: { after: pageInfo.endCursor } });
    } catch (error) {
      setMoreError(error);
    } finally {
      busyRef.current = false;
      setLoadingMore(false);
    }
  }, [fetchMore, pageInfo]);

  const sentinel = useRef<HTMLDivElement>(null);
  const loadMoreRef = useRef(loadMore);
  loadMoreRef.current = loadMore;
  const canAutoLoad = Boolean(pageInfo?.hasNextPage) && !moreError;
  useEffect(() => {
    const target = sentinel.current;
    if (!target || !canAutoLoad || typeof IntersectionObserver === "undefined") return;
    // Re-created after each page: a sentinel still in view after a short page loads the next one.
    const observer = new IntersectionObserver(
      (records) => {
        if (records.some((r) => r.isIntersecting)) void loadMoreRef.current();
      },
      { rootMargin: "300px 0px" },
    );
    observer.observe(target);
    return () => observer.disconnect();
  }, [canAutoLoad, entries.length]);

  // Selection for "mark selected cleared" (entries on screen only; cleared by a new filter).
  const [selected, setSelected] = useState<ReadonlySet<string>>(new Set());
  useEffect(() => setSelected(new Set()), [filterKey]);
  const onSelect = useCallback((id: string, on: boolean) => {
    setSelected((current) => {
      const next = new Set(current);
      if (on) next.add(id);
      else next.delete(id);
      return next;
    });
  }, []);
  const [recategorising, setRecategorising] = useState<HistoryEntryFragment | null>(null);
  const visibleSelected = entries.filter((e) => selected.has(e.id) && e.cleared !== "RECONCILED").map((e) => e.id);

  const applyParams = (next: URLSearchParams) => setParams(next);
  const clearFilters = () => setParams(new URLSearchParams());

  const firstLoad = page.loading && !connection;
  return (
    <div className="history">
      <div className="history-tools">
        <FilterBar key={filterKey} account={account} filter={filter} onApply={applyParams} />
        <ExportButton accountId={account.id} filter={filter} />
      </div>
      <TotalsBar totals={totals.data?.account?.totals} error={totals.error} filtered={Boolean(filter)} />
      {editable && visibleSelected.length ? (
        <BulkClear accountId={account.id} ids={visibleSelected} onDone={() => setSelected(new Set())} />
      ) : null}
      {firstLoad ? (
        <Loading label="Loading the history…" />
      ) : page.error && !connection ? (
        <Problem error={page.error} onRetry={() => void page.refetch()} />
      ) : !entries.length ? (
        filter ? (
          <Empty title="Nothing matches these filters">
            <Button onClick={clearFilters}>Clear filters</Button>
          </Empty>
        ) : (
          <Empty title="No entries yet">
            <p>Income, spending and moves you record show up here, newest first.</p>
          </Empty>
        )
      ) : (
        <>
          <ol className="entry-list" aria-label="History" aria-busy={loadingMore || undefined}>
            {entries.map((entry) => (
              <EntryRow
                key={entry.id}
                entry={entry}
                accountId={account.id}
                editable={editable}
                undoable={undoable}
                selected={selected.has(entry.id)}
                onSelect={onSelect}
                onRecategorise={setRecategorising}
              />
            ))}
          </ol>
          <div ref={sentinel} className="history-sentinel" data-testid="history-sentinel" aria-hidden="true" />
          <div className="history-more" aria-live="polite">
            {moreError ? (
              <div className="history-more-error" role="alert">
                <span>{describeProblem(moreError).message}</span>
                <Button onClick={() => void loadMore()}>Try again</Button>
              </div>
            ) : pageInfo?.hasNextPage ? (
              <Button onClick={() => void loadMore()} busy={loadingMore}>
                {loadingMore ? "Loading more…" : "Load more"}
              </Button>
            ) : (
              <p className="history-end muted">End of history</p>
            )}
          </div>
        </>
      )}
      {recategorising ? <RecategoriseDialog entry={recategorising} account={account} onClose={() => setRecategorising(null)} /> : null}
    </div>
  );
}

type Totals = NonNullable<HistoryTotalsQuery["account"]>["totals"];

function TotalsBar({ totals, error, filtered }: { totals: Totals | undefined; error: unknown; filtered: boolean }) {
  if (!totals) {
    return error ? <p className="history-totals muted">Totals are not available right now.</p> : <div className="history-totals history-totals-pending" aria-hidden="true" />;
  }
  const showTransfers = !/^-?0(\.0+)?$/.test(totals.transfers.amount);
  return (
    <dl className="history-totals" aria-label={filtered ? "Totals of the filtered entries" : "Totals"}>
      <div>
        <dt>Income</dt>
        <dd>
          <Amount money={totals.income} />
        </dd>
      </div>
      <div>
        <dt>Spending</dt>
        <dd>
          <Amount money={totals.expense} />
        </dd>
      </div>
      {showTransfers ? (
        <div>
          <dt>Transfers</dt>
          <dd>
            <Amount money={totals.transfers} signed />
          </dd>
        </div>
      ) : null}
      <div>
        <dt>Net</dt>
        <dd>
          <Amount money={totals.net} signed />
        </dd>
      </div>
      <div>
        <dt>Entries</dt>
        <dd>{totals.count}</dd>
      </div>
    </dl>
  );
}

type ClearPayload = { userErrors: readonly UserErrorLike[] };

function BulkClear({ accountId, ids, onDone }: { accountId: string; ids: string[]; onDone: () => void }) {
  const submit = useSubmit<ClearPayload>();
  const [setCleared] = useMutation(SetEntriesClearedWebDocument);
  const run = async (cleared: boolean) => {
    const done = await submit.run(async () => {
      const result = await setCleared({
        variables: { input: { ids: ids.slice(0, 100), cleared } },
        optimisticResponse: clearedOptimistically(ids.slice(0, 100), cleared),
        update: (cache, { data }) => {
          if (data?.setTransactionsCleared.userErrors.length) return;
          const id = cache.identify({ __typename: "Account", id: accountId });
          if (id) cache.evict({ id, fieldName: "totals" });
        },
      });
      return result.data?.setTransactionsCleared;
    });
    if (done) onDone();
  };
  const n = Math.min(ids.length, 100);
  return (
    <div className="history-bulk" role="region" aria-label="Selected entries">
      <span className="history-bulk-count">
        {ids.length} selected{ids.length > 100 ? " (the first 100 are changed at once)" : ""}
      </span>
      <Button variant="primary" busy={submit.busy} onClick={() => void run(true)}>
        Mark selected cleared
      </Button>
      <Button busy={submit.busy} onClick={() => void run(false)}>
        Mark selected not cleared
      </Button>
      <Button variant="ghost" onClick={onDone}>
        Deselect {n === 1 ? "it" : "all"}
      </Button>
      <FormMessage>{unplacedErrors(submit.errors, []) ?? submit.problem}</FormMessage>
    </div>
  );
}
