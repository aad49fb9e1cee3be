"""Benchmarks and the archive generator they share with the tests."""
