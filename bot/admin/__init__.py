"""The admin console's service: usage, quotas, roles and keys, with the permission checks (adapters/admin draws it)."""

from bot.admin.bars import QuotaBar, quota_bar
from bot.admin.console import AdminConsole, NotAllowed, RoleLine, Scope, UsageGroup, UsageLine

__all__ = [
    "AdminConsole",
    "NotAllowed",
    "QuotaBar",
    "RoleLine",
    "Scope",
    "UsageGroup",
    "UsageLine",
    "quota_bar",
]
