"""Choosing envelopes for transactions: the family's rules first, then the learned model."""
