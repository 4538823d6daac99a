"""GraphQL of the ledger: accounts, envelopes, entries, payment sources, members."""
