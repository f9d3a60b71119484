"""Benchmarks for mlp_lessons: run `python -m benchmarks` from the repository root.

Timings, not tests: every figure is the median of repeated runs after a
warm-up, and every ratio compares two things timed in the same rounds.
tests/test_benchmarks_smoke.py only checks that this code runs on tiny sizes.
"""
