"""Webhooks of an account: registry, delivery log, redelivery."""
