import { lazy, Suspense } from "react";
import { Navigate, Route, Routes, useLocation } from "react-router";

import { useAuth } from "./auth/AuthProvider";
import { AccountLayout } from "./screens/account/AccountLayout";
import { EnvelopeBoard } from "./screens/account/EnvelopeBoard";
import { AccountsScreen } from "./screens/accounts/AccountsScreen";
import { SignInScreen, SignUpScreen } from "./screens/auth/AuthScreens";
import { Shell } from "./ui/Shell";
import { Button, Loading } from "./ui/kit";

// Only the first screens (sign-in, accounts, the envelope board and the record dialog) are in
// the initial bundle; every other screen loads when opened (the budget one with the chart
// library).
const BudgetScreen = lazy(() => import("./screens/budget/BudgetScreen"));
const ForecastScreen = lazy(() => import("./screens/forecast/ForecastScreen"));
const HistoryScreen = lazy(() => import("./screens/history/HistoryScreen").then((m) => ({ default: m.HistoryScreen })));
const MembersScreen = lazy(() => import("./screens/members/MembersScreen").then((m) => ({ default: m.MembersScreen })));
const PaydaysScreen = lazy(() => import("./screens/paydays/PaydaysScreen").then((m) => ({ default: m.PaydaysScreen })));
const ReconcileScreen = lazy(() => import("./screens/reconcile/ReconcileScreen").then((m) => ({ default: m.ReconcileScreen })));
const SchedulesScreen = lazy(() => import("./screens/schedules/SchedulesScreen").then((m) => ({ default: m.SchedulesScreen })));
const RulesScreen = lazy(() => import("./screens/rules/RulesScreen").then((m) => ({ default: m.RulesScreen })));
const ReviewScreen = lazy(() => import("./screens/review/ReviewScreen").then((m) => ({ default: m.ReviewScreen })));
const ImportScreen = lazy(() => import("./screens/imports/ImportScreen").then((m) => ({ default: m.ImportScreen })));
const SavingsScreen = lazy(() => import("./screens/savings/SavingsScreen").then((m) => ({ default: m.SavingsScreen })));
const DevicesScreen = lazy(() => import("./screens/settings/DevicesScreen").then((m) => ({ default: m.DevicesScreen })));
const DashboardScreen = lazy(() => import("./screens/dashboard/DashboardScreen"));
const CashFlowScreen = lazy(() => import("./screens/cashflow/CashFlowScreen").then((m) => ({ default: m.CashFlowScreen })));
const AlertsScreen = lazy(() => import("./screens/alerts/AlertsScreen"));
const WebhooksScreen = lazy(() => import("./screens/webhooks/WebhooksScreen").then((m) => ({ default: m.WebhooksScreen })));
const AccountSettingsScreen = lazy(() =>
  import("./screens/account/AccountSettingsScreen").then((m) => ({ default: m.AccountSettingsScreen })),
);

function Screen({ children, label = "Loading…" }: { children: React.ReactNode; label?: string }) {
  return <Suspense fallback={<Loading label={label} />}>{children}</Suspense>;
}

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
        <Route path="settings" element={<Screen><DevicesScreen /></Screen>} />
        <Route path="dashboard" element={<Screen label="Loading your dashboard…"><DashboardScreen /></Screen>} />
        <Route path="rules" element={<Screen label="Loading your rules…"><RulesScreen /></Screen>} />
        <Route path="cash-flow" element={<Screen label="Loading your cash flow…"><CashFlowScreen /></Screen>} />
        <Route path="alerts" element={<Screen label="Loading your alerts…"><AlertsScreen /></Screen>} />
        <Route path="accounts/:accountId" element={<AccountLayout />}>
          <Route index element={<EnvelopeBoard />} />
          <Route path="history" element={<Screen label="Loading the history…"><HistoryScreen /></Screen>} />
          <Route path="budget" element={<Screen label="Loading the budget…"><BudgetScreen /></Screen>} />
          <Route path="forecast" element={<Screen label="Working out the forecast…"><ForecastScreen /></Screen>} />
          <Route path="schedules" element={<Screen><SchedulesScreen /></Screen>} />
          <Route path="paydays" element={<Screen><PaydaysScreen /></Screen>} />
          <Route path="reconcile" element={<Screen><ReconcileScreen /></Screen>} />
          <Route path="review" element={<Screen><ReviewScreen /></Screen>} />
          <Route path="import" element={<Screen label="Opening the import…"><ImportScreen /></Screen>} />
          <Route path="savings" element={<Screen label="Looking for savings…"><SavingsScreen /></Screen>} />
          <Route path="members" element={<Screen><MembersScreen /></Screen>} />
          <Route path="settings" element={<Screen><AccountSettingsScreen /></Screen>} />
          <Route path="webhooks" element={<Screen><WebhooksScreen /></Screen>} />
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
