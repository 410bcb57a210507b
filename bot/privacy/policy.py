"""The office's personal-information policy for a department: what to do with each kind of finding.

One decision shared by everyone who applies it (the gateway's masking stage, the assistant-content check,
the complaint-triage skill), so none of them reaches into another to learn it.
"""

from __future__ import annotations

from bot.config import AppConfig


def pii_actions(config: AppConfig, department_id: str) -> dict[str, str]:
    """finding type -> action ("mask", "block", "allow"): the office's filters, overridden by the department's."""
    department = config.department(department_id)
    return {**config.filters.pii, **(department.pii if department else {})}
