"""Views over the household and its history: exchange rates, the base currency, the
dashboard, savings opportunities."""
