// Placeholder: this screen is being built.
export function DevicesScreen() {
  return <p>Your devices</p>;
}
