"""Benchmarks: `make bench`. Not part of the test suite (see bench/README section in README)."""
