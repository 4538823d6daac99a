// Placeholder: this screen is being built.
export function ReconcileScreen() {
  return <p>Reconcile</p>;
}
