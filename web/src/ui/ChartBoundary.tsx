import { Component, type ReactNode } from "react";

/** A chart that failed to load (offline, a stale deploy) is left out; the table next to it has every figure. */
export class ChartBoundary extends Component<{ children: ReactNode }, { failed: boolean }> {
  override state = { failed: false };
  static getDerivedStateFromError() {
    return { failed: true };
  }
  override render() {
    return this.state.failed ? null : this.props.children;
  }
}
