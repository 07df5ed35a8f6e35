"""Streamlit-only glue between the pages and ``core``: session state, wiring and shared widgets."""
