"""Views over the household and its history, as the API shows them: the dashboard,
exchange rates and the base currency, savings opportunities."""
