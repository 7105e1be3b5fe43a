"""Benchmarks and scores that print their figures and conditions (not timed tests): `python -m worker.bench`."""
