"""Fixtures shared by several integration test files."""

from tests.integration.slack_support import fake_slack, slack_govbot  # noqa: F401 - fixtures of the Slack tests
