import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";

import { useAuth } from "./auth/AuthProvider";
import { AccountLayout } from "./screens/account/AccountLayout";
import { AccountSettingsScreen } from "./screens/account/AccountSettingsScreen";
import { EnvelopeBoard } from "./screens/account/EnvelopeBoard";
import { AccountsScreen } from "./screens/accounts/AccountsScreen";
import { SignInScreen, SignUpScreen } from "./screens/auth/AuthScreens";
import { HistoryScreen } from "./screens/history/HistoryScreen";
import { MembersScreen } from "./screens/members/MembersScreen";
import { PaydaysScreen } from "./screens/paydays/PaydaysScreen";
import { ReconcileScreen } from "./screens/reconcile/ReconcileScreen";
import { SchedulesScreen } from "./screens/schedules/SchedulesScreen";
import { DevicesScreen } from "./screens/settings/DevicesScreen";
import { Shell } from "./ui/Shell";
import { Button, Loading } from "./ui/kit";

// The budget screen carries the chart library: loaded only when opened.
const BudgetScreen = lazy(() => import("./screens/budget/BudgetScreen"));

function RequireSignIn({ children }: { children: React.ReactNode }) {
  const { state } = useAuth();
  const location = useLocation();
  if (state === "unknown") {
    return (
      <div className="splash" role="alert">
        <p>Could not reach Envelopes. Check your connection.</p>
        <Button variant="primary" onClick={() => window.location.reload()}>
          Try again
        </Button>
      </div>
    );
  }
  if (state === "signed-out") return <Navigate to="/signin" replace state={{ from: location.pathname }} />;
  return <>{children}</>;
}

export function App() {
  return (
    <Routes>
      <Route path="/signin" element={<SignInScreen />} />
      <Route path="/signup" element={<SignUpScreen />} />
      <Route
        element={
          <RequireSignIn>
            <Shell />
          </RequireSignIn>
        }
      >
        <Route index element={<AccountsScreen />} />
        <Route path="settings" element={<DevicesScreen />} />
        <Route path="accounts/:accountId" element={<AccountLayout />}>
          <Route index element={<EnvelopeBoard />} />
          <Route path="history" element={<HistoryScreen />} />
          <Route
            path="budget"
            element={
              <Suspense fallback={<Loading label="Loading the budget…" />}>
                <BudgetScreen />
              </Suspense>
            }
          />
          <Route path="schedules" element={<SchedulesScreen />} />
          <Route path="paydays" element={<PaydaysScreen />} />
          <Route path="reconcile" element={<ReconcileScreen />} />
          <Route path="members" element={<MembersScreen />} />
          <Route path="settings" element={<AccountSettingsScreen />} />
        </Route>
        <Route path="*" element={<NotFound />} />
      </Route>
    </Routes>
  );
}

function NotFound() {
  return (
    <div className="state state-empty">
      <p className="state-title">Nothing here.</p>
      <a href="/">Back to your accounts</a>
    </div>
  );
}
