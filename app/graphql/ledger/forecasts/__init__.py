"""Forecasts: an envelope's spending in the next months, an account's projected balance."""
