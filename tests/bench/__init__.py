"""Benchmarks run by hand (not collected by pytest): see `live_fanout.py`."""
