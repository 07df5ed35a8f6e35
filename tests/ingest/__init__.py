"""Tests of the log importers: formats, detection, candidates, series, and what is refused."""
