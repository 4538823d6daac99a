"""Live subscriptions: account changes, alerts, import progress (`app.services.live`)."""
