"""Benchmarks and scores that print their figures and conditions (not timed tests): `python -m worker.bench`."""

from worker.bench.reading import DEVCORPUS, parse_summary, score_corpus

__all__ = ["DEVCORPUS", "parse_summary", "score_corpus"]
