// Placeholder: this screen is being built.
export function MembersScreen() {
  return <p>Members</p>;
}
