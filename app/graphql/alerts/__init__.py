"""Alerts: the viewer's alerts (a connection), marking them read, and the alert settings."""
