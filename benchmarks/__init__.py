"""Benchmarks of the toolkit (a package: tests and mypy import its modules as
``benchmarks.NAME``; each is also run as a script)."""
