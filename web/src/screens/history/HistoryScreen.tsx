// Placeholder: this screen is being built.
export function HistoryScreen() {
  return <p>History</p>;
}
