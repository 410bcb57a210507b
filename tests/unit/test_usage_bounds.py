"""The clamp on upstream-reported usage: never negative, never above what the call could use, and an
honest report passes unchanged (property tests over any report and any prompt)."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.gateway.types import ChatMessage, Usage
from bot.quota.usage_bounds import bound_usage, prompt_token_bound

messages = st.lists(
    st.builds(ChatMessage, st.sampled_from(["system", "user", "assistant"]), st.text(max_size=200)),
    min_size=1,
    max_size=5,
)


@given(messages, st.integers(-(10**12), 10**12), st.integers(-(10**12), 10**12), st.integers(1, 32_000))
def test_billed_usage_is_within_bounds_for_any_report(msgs, prompt, completion, max_tokens):
    bounded = bound_usage(Usage(prompt, completion), msgs, max_tokens)
    assert 0 <= bounded.usage.prompt_tokens <= prompt_token_bound(msgs)
    assert 0 <= bounded.usage.completion_tokens <= max_tokens
    assert bounded.clamped == (bounded.usage != Usage(prompt, completion))


@given(messages, st.integers(1, 32_000), st.data())
def test_an_honest_report_is_kept_as_it_is(msgs, max_tokens, data):
    prompt = data.draw(st.integers(0, prompt_token_bound(msgs)))
    completion = data.draw(st.integers(0, max_tokens))
    reported = Usage(prompt, completion)
    bounded = bound_usage(reported, msgs, max_tokens)
    assert bounded.usage is reported and not bounded.clamped


def test_korean_prompt_bound_covers_one_token_per_byte():
    # A byte-level tokenizer may split an uncommon Hangul syllable into its three UTF-8 bytes.
    msgs = [ChatMessage("user", "불법주정차")]
    assert prompt_token_bound(msgs) >= 3 * 5
    assert bound_usage(Usage(5_000_000, 10), msgs, 100).usage.prompt_tokens == prompt_token_bound(msgs)
