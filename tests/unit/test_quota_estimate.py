"""The output estimate reserved when the full max_tokens no longer fits (bot/quota/estimate.py)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.quota.estimate import DEFAULT, FLOOR, OutputEstimates, estimate_key


def test_without_enough_answers_the_default_is_used_capped_by_max_tokens():
    estimates = OutputEstimates()
    for tokens in (40, 50, 60, 70):
        estimates.observe("assistant:민원", tokens)
    assert estimates.output_tokens("assistant:민원", 1200) == DEFAULT
    assert estimates.output_tokens("assistant:민원", 100) == 100


def test_recent_answers_give_the_95th_percentile_with_a_margin_per_assistant():
    estimates = OutputEstimates()
    for tokens in range(1, 101):  # 1..100 tokens
        estimates.observe(estimate_key("complaints", "default"), tokens)
    estimates.observe(estimate_key(None, "default"), 10)
    assert estimates.output_tokens("assistant:complaints", 1200) == 119  # ceil(95 * 1.25)
    assert estimates.output_tokens("assistant:complaints", 90) == 90
    assert estimates.output_tokens("alias:default", 1200) == DEFAULT  # another key: one answer is not enough


def test_only_the_window_of_recent_answers_counts():
    estimates = OutputEstimates(window=10)
    for tokens in [1000] * 10 + [20] * 10:
        estimates.observe("alias:default", tokens)
    assert estimates.output_tokens("alias:default", 1200) == FLOOR


@given(st.lists(st.integers(min_value=-5, max_value=100_000), min_size=0, max_size=60), st.integers(1, 32_000))
def test_the_estimate_is_positive_and_never_above_max_tokens(answers, cap):
    estimates = OutputEstimates()
    for tokens in answers:
        estimates.observe("k", tokens)
    assert 1 <= estimates.output_tokens("k", cap) <= cap
