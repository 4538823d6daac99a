"""Cash flow: the Sankey picture computed from the ledger, and the planning model."""
