"""Exports of a post-mortem: the JSON document, Markdown report, PDF and calendar files."""
