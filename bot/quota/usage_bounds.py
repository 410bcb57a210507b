"""How many tokens a call can really have used, whatever the upstream reports. Pure: no I/O.

An upstream (or a proxy in front of it) is not trusted to bill us: 5,000,000 completion tokens on a
call that allowed 100 would lock a department for the month, and a negative count would lower it.
A completion cannot be longer than the `max_tokens` we sent; a prompt cannot have more tokens than
its UTF-8 bytes (a byte-level BPE token is at least one byte) plus the chat format's few tokens per
message, so that bound never under-bills an honest report.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.gateway.types import ChatMessage, Usage

PER_MESSAGE = 8  # role and separators of the chat format (OpenAI counts about 4)
PER_CALL = 16  # the reply's priming tokens, with room to spare


def prompt_token_bound(messages: Sequence[ChatMessage]) -> int:
    return sum(len(m.content.encode("utf-8")) + PER_MESSAGE for m in messages) + PER_CALL


@dataclass(frozen=True, slots=True)
class BoundedUsage:
    usage: Usage
    clamped: bool  # True when the report was out of bounds (the caller notes it)


def bound_usage(reported: Usage, messages: Sequence[ChatMessage], max_output_tokens: int) -> BoundedUsage:
    """The report clamped to [0, bound] per part; an in-bounds report is returned unchanged."""
    prompt = min(max(reported.prompt_tokens, 0), prompt_token_bound(messages))
    completion = min(max(reported.completion_tokens, 0), max(max_output_tokens, 0))
    if (prompt, completion) == (reported.prompt_tokens, reported.completion_tokens):
        return BoundedUsage(reported, False)
    return BoundedUsage(Usage(prompt, completion, estimated=True), True)
