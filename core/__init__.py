"""Postmortem Wizard's domain: models, gates, storage, exports and the CLI.

Nothing in this package imports Streamlit; the pages in ``app_pages/`` and the glue in ``ui/``
call into it, never the reverse (a test in ``tests/test_architecture.py`` keeps it so).
"""
