"""The dashboard, exchange rates and the base currency, as the API shows them."""
