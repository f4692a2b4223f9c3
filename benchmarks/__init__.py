"""Benchmarks: commands that print a table, each with its baseline measured in the same run."""
