"""HTTP clients of live telemetry and trackers (requests.Session, explicit timeouts), mapped to our types."""
