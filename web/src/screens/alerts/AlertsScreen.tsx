import { useMutation, useQuery } from "@apollo/client/react";
import { useState } from "react";
import { Link } from "react-router";

import { AlertsWebDocument, MarkAlertsReadWebDocument, type AlertsWebQuery } from "../../gql/graphql";
import { formatDateTime } from "../../lib/ids";
import { Amount, Button, Empty, FormMessage, Loading, Problem } from "../../ui/kit";
import { KIND_LABEL, TONE } from "./kinds";
import "./alerts.css";

type Alert = AlertsWebQuery["alerts"]["edges"][number]["node"];

const PAGE = 20;

/** The person's alerts: unread ones stand out; mark one or all read; older ones page in. */
export function AlertsScreen() {
  const [unreadOnly, setUnreadOnly] = useState(false);
  const { data, loading, error, refetch, fetchMore } = useQuery(AlertsWebDocument, {
    variables: { first: PAGE, unreadOnly },
    notifyOnNetworkStatusChange: true,
  });
  const [mark] = useMutation(MarkAlertsReadWebDocument);
  const [more, setMore] = useState(false);
  const [busyAll, setBusyAll] = useState(false);
  const [problem, setProblem] = useState<string | null>(null);

  const connection = data?.alerts;
  const unread = data?.unreadAlertCount ?? 0;

  const markRead = async (ids: string[] | null) => {
    setProblem(null);
    try {
      const result = await mark({
        variables: { input: ids ? { ids } : { all: true } },
        update: (cache, { data: answer }) => {
          const payload = answer?.markAlertsRead;
          if (!payload || payload.userErrors.length) return;
          cache.modify({ fields: { unreadAlertCount: () => payload.unreadAlertCount ?? 0 } });
        },
        // After "all", the lists are read again (the first page of each; older ones page in again).
        refetchQueries: ids ? [] : ["AlertsWeb"],
        awaitRefetchQueries: true,
      });
      const failed = result.data?.markAlertsRead.userErrors[0];
      if (failed) setProblem(failed.message);
    } catch {
      setProblem("Could not mark the alerts read. Check your connection and try again.");
    }
  };

  let body;
  if (loading && !connection) body = <Loading label="Loading your alerts…" />;
  else if (error && !connection) body = <Problem error={error} onRetry={() => void refetch()} />;
  else if (!connection?.edges.length)
    body = (
      <Empty title={unreadOnly ? "No unread alerts." : "No alerts yet."}>
        <p className="muted">
          Alerts tell you when an envelope is overspent, a plan or goal slips, a balance runs low, a large transaction is
          recorded, or a scheduled posting or import needs you. Choose which in <Link to="/settings#alert-settings">Settings</Link>.
        </p>
      </Empty>
    );
  else {
    body = (
      <>
        <ul className="alert-list" aria-label="Alerts">
          {connection.edges.map(({ node }) => (
            <AlertRow key={node.id} alert={node} onRead={() => void markRead([node.id])} />
          ))}
        </ul>
        {connection.pageInfo.hasNextPage ? (
          <Button
            busy={more}
            onClick={async () => {
              setMore(true);
              try {
                await fetchMore({ variables: { first: PAGE, after: connection.pageInfo.endCursor, unreadOnly } });
              } finally {
                setMore(false);
              }
            }}
          >
            Show older alerts
          </Button>
        ) : null}
      </>
    );
  }

  return (
    <div className="page stack alerts-screen">
      <header className="page-header alerts-header">
        <h1>
          Alerts{" "}
          {unread ? (
            <span className="alert-count" aria-label={`${unread} unread`}>
              {unread}
            </span>
          ) : null}
        </h1>
        <div className="alerts-actions">
          <div className="segmented alerts-filter" role="radiogroup" aria-label="Show">
            {([false, true] as const).map((only) => (
              <label key={String(only)} className={`segment${unreadOnly === only ? " segment-on" : ""}`}>
                <input type="radio" name="alerts-filter" checked={unreadOnly === only} onChange={() => setUnreadOnly(only)} />
                {only ? "Unread" : "All"}
              </label>
            ))}
          </div>
          <Button
            variant="secondary"
            busy={busyAll}
            disabled={!unread}
            onClick={async () => {
              setBusyAll(true);
              try {
                await markRead(null);
              } finally {
                setBusyAll(false);
              }
            }}
          >
            Mark all read
          </Button>
        </div>
      </header>
      <FormMessage>{problem}</FormMessage>
      {body}
    </div>
  );
}

function AlertRow({ alert, onRead }: { alert: Alert; onRead: () => void }) {
  const tone = TONE[alert.kind];
  return (
    <li className={`alert-row alert-${tone}${alert.read ? "" : " alert-unread"}`}>
      <span className="alert-dot" aria-hidden="true" />
      <div className="alert-body">
        <p className="alert-kind">
          {KIND_LABEL[alert.kind]}
          {alert.read ? null : <span className="visually-hidden"> (unread)</span>}
        </p>
        <p className="alert-message">{alert.message}</p>
        <p className="alert-meta muted">
          <time dateTime={alert.createdAt}>{formatDateTime(alert.createdAt)}</time>
          {alert.account ? (
            <>
              {" · "}
              <Link to={`/accounts/${alert.account.id}`}>{alert.account.name}</Link>
            </>
          ) : null}
          {alert.envelope ? ` · ${alert.envelope.name}` : null}
        </p>
      </div>
      {alert.amount ? <Amount money={alert.amount} className="alert-amount" /> : null}
      {alert.read ? null : (
        <Button variant="ghost" className="alert-mark" onClick={onRead} aria-label={`Mark “${KIND_LABEL[alert.kind]}” read`}>
          Mark read
        </Button>
      )}
    </li>
  );
}

export default AlertsScreen;
