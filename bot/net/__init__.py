"""Outbound network access guarded against server-side request forgery."""
