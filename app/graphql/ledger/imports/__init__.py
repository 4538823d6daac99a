"""Import jobs: a bank file into an account, dry run first, then commit."""
