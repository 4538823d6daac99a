"""Benchmarks of Envelopes: load, history paging, totals and footprint (`bench/run.sh`)."""
