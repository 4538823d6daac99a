import { useQuery, useSubscription } from "@apollo/client/react";
import { Link } from "react-router";

import { AlertBellCountDocument, AlertBellRaisedDocument } from "../gql/graphql";

/**
 * The top bar's bell: how many alerts are unread, kept up to date live (`alertRaised` adds one
 * and drops the cached alert lists, which ask again when shown). Opens the alerts screen.
 */
export function AlertBell() {
  const { data } = useQuery(AlertBellCountDocument);
  useSubscription(AlertBellRaisedDocument, {
    onData: ({ client }) => {
      client.cache.modify({
        id: "ROOT_QUERY",
        fields: {
          unreadAlertCount: (count: number) => count + 1,
          alerts: (_value, { DELETE }) => DELETE,
        },
      });
    },
  });
  const unread = data?.unreadAlertCount ?? 0;
  const label = unread === 0 ? "Alerts, none unread" : `Alerts, ${unread} unread`;
  return (
    <Link to="/alerts" className={`bell${unread > 0 ? " bell-unread" : ""}`} aria-label={label} title={label}>
      <svg viewBox="0 0 24 24" width="22" height="22" aria-hidden="true">
        <path
          d="M12 3a6 6 0 0 0-6 6v3.6L4.3 15.5A1 1 0 0 0 5.2 17h13.6a1 1 0 0 0 .9-1.5L18 12.6V9a6 6 0 0 0-6-6Z"
          fill="currentColor"
        />
        <path d="M9.5 19a2.5 2.5 0 0 0 5 0" fill="none" stroke="currentColor" strokeWidth="2" strokeLinecap="round" />
      </svg>
      {unread > 0 ? (
        <span className="bell-count" aria-hidden="true">
          {unread > 99 ? "99+" : unread}
        </span>
      ) : null}
    </Link>
  );
}
