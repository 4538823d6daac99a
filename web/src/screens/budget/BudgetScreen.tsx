// Placeholder: this screen is being built.
export default function BudgetScreen() {
  return <p>Budget</p>;
}
