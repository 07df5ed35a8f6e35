"""Benchmarks of DESIGN §11, run by `make bench`; each prints its figure next to its goal."""
