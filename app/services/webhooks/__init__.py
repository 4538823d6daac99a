"""Webhooks: a registry per account, the outbox sink of account events, the delivery worker."""
