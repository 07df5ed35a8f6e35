"""What the tests and the benchmarks share: factories, the language scorer, harnesses for servers and writers.

Both ``tests/`` and ``bench/`` import this package; it imports neither, so neither imports the other.
"""
