"""GraphQL of the ledger, grouped like its services: one package per sub-feature (accounts,
envelopes, movements, members, payment sources, history), each with its types, queries and
mutations (inputs and payloads beside the mutations that use them)."""
