// Placeholder: this screen is being built.
export function SchedulesScreen() {
  return <p>Schedules</p>;
}
