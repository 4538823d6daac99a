"""Alerts: events of accounts (`events`), what a change raises (`detection`), alerts stored
per recipient (`sink`), and the viewer's alerts and settings (`service`)."""
