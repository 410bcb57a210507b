"""The tamper-evident audit trail of every gateway call."""
