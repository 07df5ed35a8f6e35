"""Tests of the live connectors (real Prometheus/Alertmanager, pytest-httpserver) and the saved-file importers."""
