"""Tests of the issue trackers (GitHub, Jira) against fakes of their documented REST APIs."""
