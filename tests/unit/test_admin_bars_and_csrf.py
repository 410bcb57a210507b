"""The console's quota bars (80% and 100% states, reserved tokens counting against the limit) and its CSRF tokens."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from adapters.admin import csrf
from bot.admin.bars import quota_bar


def test_states_at_the_warning_line_and_the_limit() -> None:
    assert quota_bar("tokens_per_day", 79, 0, 100).state == "ok"
    assert quota_bar("tokens_per_day", 80, 0, 100).state == "warn"
    assert quota_bar("tokens_per_day", 70, 10, 100).state == "warn"  # reserved tokens count
    assert quota_bar("tokens_per_day", 90, 10, 100).state == "full"
    assert quota_bar("tokens_per_day", 5, 0, 0).state == "full"
    assert quota_bar("tokens_per_day", 5, 0, None).state == "unlimited"


def test_remaining_is_what_is_neither_used_nor_reserved() -> None:
    bar = quota_bar("tokens_per_month", 600, 150, 1000)
    assert (bar.remaining, bar.used_pct, bar.reserved_pct) == (250, 60.0, 15.0)


@given(st.integers(0, 10**12), st.integers(0, 10**12), st.integers(0, 10**12))
def test_a_bar_never_overflows_its_box(used: int, reserved: int, value: int) -> None:
    bar = quota_bar("x", used, reserved, value)
    assert bar.used_pct >= 0 and bar.reserved_pct >= 0 and bar.used_pct + bar.reserved_pct <= 100.0
    assert bar.remaining is not None and 0 <= bar.remaining <= value
    assert (bar.state == "full") == (value == 0 or used + reserved >= value)


def test_a_token_is_bound_to_its_session_and_official() -> None:
    key = b"k" * 32
    good = csrf.token(key, "session-1", "park.jiyoung")
    assert csrf.valid(key, "session-1", "park.jiyoung", good)
    assert not csrf.valid(key, "session-2", "park.jiyoung", good)
    assert not csrf.valid(key, "session-1", "kim.minsu", good)
    assert not csrf.valid(b"other" * 8, "session-1", "park.jiyoung", good)
    assert not csrf.valid(key, "", "park.jiyoung", good) and not csrf.valid(key, "session-1", "park.jiyoung", "")
