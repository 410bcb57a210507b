"""How many output tokens to reserve for a call: an estimate from the recent answers of the same assistant
(or model alias), not the full `max_tokens`. Pure: no I/O, no clock.

Reserving the full `max_tokens` (1,200 when a client omits it) turns calls away long before a tight budget
is spent. The gateway first tries the full amount; when that no longer fits, it reserves this estimate
instead and lowers the call's `max_tokens` to it, so the upstream cannot write more than was reserved and
the limit still holds (the answer may then end early, with finish reason "length").
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

WINDOW = 200  # recent answers kept per assistant
MIN_SAMPLES = 5
QUANTILE = 0.95
MARGIN = 1.25
FLOOR = 32  # never fewer output tokens than this
DEFAULT = 256  # before MIN_SAMPLES answers were seen


@dataclass
class OutputEstimates:
    """Recent output lengths per assistant (or alias), one instance per gateway."""

    window: int = WINDOW
    _seen: dict[str, deque[int]] = field(default_factory=dict)

    def observe(self, key: str, completion_tokens: int) -> None:
        self._seen.setdefault(key, deque(maxlen=self.window)).append(max(0, completion_tokens))

    def output_tokens(self, key: str, cap: int) -> int:
        """The 95th percentile of recent answers with a 25% margin, at least FLOOR, at most `cap`."""
        seen = self._seen.get(key)
        if seen is None or len(seen) < MIN_SAMPLES:
            return max(1, min(cap, DEFAULT))
        ordered = sorted(seen)
        high = ordered[min(len(ordered) - 1, math.ceil(QUANTILE * len(ordered)) - 1)]
        return max(1, min(cap, max(FLOOR, math.ceil(high * MARGIN))))


def estimate_key(assistant_id: str | None, model_alias: str) -> str:
    return f"assistant:{assistant_id}" if assistant_id else f"alias:{model_alias}"
