import { useQuery } from "@apollo/client/react";
import { Link, NavLink, Outlet } from "react-router";

import { useAuth } from "../auth/AuthProvider";
import { ViewerDocument } from "../gql/graphql";
import { AlertBell } from "./AlertBell";
import { Avatar } from "./kit";

/** The frame of every signed-in screen: brand, the person, and sign-out. */
export function Shell() {
  const { signOut } = useAuth();
  const { data } = useQuery(ViewerDocument);
  const me = data?.me;
  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="topbar">
        <Link to="/" className="brand" aria-label="Envelopes — your accounts">
          <svg viewBox="0 0 32 32" width="26" height="26" aria-hidden="true">
            <rect x="2" y="7" width="28" height="19" rx="3" fill="currentColor" />
            <path d="M3 9l13 9 13-9" fill="none" stroke="#fff" strokeWidth="2.4" strokeLinejoin="round" />
          </svg>
          <span>Envelopes</span>
        </Link>
        <nav className="topnav" aria-label="Main">
          <NavLink to="/" end>
            Accounts
          </NavLink>
          <NavLink to="/dashboard">Dashboard</NavLink>
          <NavLink to="/rules">Rules</NavLink>
          <NavLink to="/cash-flow">Cash flow</NavLink>
          <NavLink to="/alerts">Alerts</NavLink>
          <NavLink to="/settings">Settings</NavLink>
        </nav>
        <div className="topbar-user">
          <AlertBell />
          {me ? (
            <span className="who">
              <Avatar name={me.displayName} color={me.avatarColor} size={26} />
              <span className="who-name">{me.displayName}</span>
            </span>
          ) : null}
          <button type="button" className="btn btn-ghost" onClick={() => void signOut()}>
            Sign out
          </button>
        </div>
      </header>
      <main id="main" className="main" tabIndex={-1}>
        <Outlet />
      </main>
    </div>
  );
}
