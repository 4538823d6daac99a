"""Views over the whole household: exchange rates, the base currency, the dashboard."""
