"""Delta sync: what changed in the caller's accounts since a cursor (`changes(since:)`)."""
