"""Calendar periods in the office's time zone (quotas and usage roll over at local midnight)."""

from __future__ import annotations

from datetime import datetime


def day_start(now: datetime) -> datetime:
    return now.replace(hour=0, minute=0, second=0, microsecond=0)


def month_start(now: datetime) -> datetime:
    return day_start(now).replace(day=1)
