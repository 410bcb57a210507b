"""A quota limit as the console draws it: used, reserved (calls still in flight) and remaining, and whether it has
crossed the 80% warning line or the limit itself. Pure, so the thresholds are tested without a server."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

WARN_SHARE = 0.8  # the same line as the gateway's 80% warning (bot/quota/service.py WARN_AT)

BarState = Literal["ok", "warn", "full", "unlimited"]


@dataclass(frozen=True, slots=True)
class QuotaBar:
    name: str  # the stable limit name (tokens_per_day, ...)
    used: int
    reserved: int
    value: int | None  # None: no limit
    used_pct: float  # of the limit, capped so the bar never overflows its box
    reserved_pct: float
    remaining: int | None
    state: BarState


def quota_bar(name: str, used: int, reserved: int, value: int | None) -> QuotaBar:
    """Reserved tokens count against the limit until their calls end, exactly as the gateway reserves them."""
    if value is None:
        return QuotaBar(name, used, reserved, None, 0.0, 0.0, None, "unlimited")
    held = used + reserved
    if value <= 0:
        state: BarState = "full"
        used_pct = 100.0
        reserved_pct = 0.0
    else:
        share = held / value
        state = "full" if share >= 1 else "warn" if share >= WARN_SHARE else "ok"
        used_pct = min(100.0, 100 * used / value)
        reserved_pct = min(100.0 - used_pct, 100 * reserved / value)
    return QuotaBar(
        name, used, reserved, value, round(used_pct, 1), round(reserved_pct, 1), max(0, value - held), state
    )
