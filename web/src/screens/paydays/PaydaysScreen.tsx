// Placeholder: this screen is being built.
export function PaydaysScreen() {
  return <p>Payday templates</p>;
}
