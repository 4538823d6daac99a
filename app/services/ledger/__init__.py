"""The ledger's use cases: accounts, envelopes, money movements, history, members."""
