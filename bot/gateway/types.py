"""What goes into and comes out of the gateway: the one door to every model."""

from __future__ import annotations

import uuid
from collections import Counter
from dataclasses import dataclass, field
from typing import Literal

# tool: the result of a tool the model called (computed by govbot's code), sent back to the model.
Role = Literal["system", "user", "assistant", "tool"]
ROLES: tuple[Role, ...] = ("system", "user", "assistant", "tool")


def as_role(value: str) -> Role:
    """A role read from outside (a stored row, a client's request) as a Role; anything else is the user's.
    Never "tool": a tool message is made only by govbot's own tool loop, with the call it answers."""
    for role in ROLES[:3]:
        if value == role:
            return role
    return "user"


# interrupted: the process serving the call stopped mid-call (written later by the reservation sweeper).
Decision = Literal["allowed", "masked", "blocked", "refused_quota", "failed", "interrupted"]
# chat: messages in, text out. embeddings: each user message is one input, one vector out per input
# (no text, so the output policies see nothing; input policies, quota, usage and audit apply as to chat).
CallKind = Literal["chat", "embeddings"]


@dataclass(frozen=True, slots=True)
class ToolCall:
    """A model's request to run a tool: the provider's call id, the tool's name, its arguments as JSON text."""

    id: str
    name: str
    arguments: str


@dataclass(frozen=True, slots=True)
class ToolDefinition:
    """A tool offered to the model (OpenAI `tools` entry of type function): `parameters` is its JSON schema."""

    name: str
    description: str
    parameters: dict[str, object]


@dataclass(frozen=True, slots=True)
class ChatMessage:
    role: Role
    content: str
    tool_calls: tuple[ToolCall, ...] = ()  # an assistant message that called tools
    tool_call_id: str = ""  # a tool message: the call it answers


@dataclass(slots=True)
class GatewayRequest:
    """One model call, always on behalf of a user in a department (billing and audit need both)."""

    department_id: str
    user_id: str
    messages: list[ChatMessage]
    model: str = "default"  # an alias from app.yaml `models`
    assistant_id: str | None = None
    assistant_version: int | None = None
    conversation_key: str = ""  # scopes PII placeholders to one conversation
    max_output_tokens: int = 1200
    temperature: float = 0.3
    platform: str = "api"
    purpose: str = "chat"  # chat, api, meta_prompt, triage, …
    # Tools the model may call; sent only to providers configured with `tools: true` (others never see them).
    tools: tuple[ToolDefinition, ...] = ()


@dataclass(frozen=True, slots=True)
class Usage:
    prompt_tokens: int
    completion_tokens: int
    estimated: bool = False  # True when the provider did not report usage

    @property
    def total_tokens(self) -> int:
        return self.prompt_tokens + self.completion_tokens


@dataclass(frozen=True, slots=True)
class Completion:
    text: str
    usage: Usage
    provider: str
    model: str
    latency_ms: float
    finish_reason: str | None
    call_id: str
    # The answer stopped before the model said it was finished (upstream stream cut off, or the reader
    # left): `text` is what was delivered, usage is billed for that, and it must not be shown as whole.
    interrupted: bool = False
    # The tools the model asked to run instead of (or after) answering, arguments already through the policies.
    tool_calls: tuple[ToolCall, ...] = ()


@dataclass(frozen=True, slots=True)
class Embeddings:
    """An embeddings call's answer: one vector per input, in the order sent."""

    vectors: list[list[float]]
    usage: Usage
    provider: str
    model: str
    call_id: str


@dataclass(slots=True)
class GatewayCall:
    """A request on its way through the stages; stages record what they did here."""

    request: GatewayRequest
    call_id: str = field(default_factory=lambda: uuid.uuid4().hex)
    decision: Decision = "allowed"
    findings: Counter[str] = field(default_factory=Counter)  # policy findings by type (never values)
    stream: bool = False
    scratch: dict[str, object] = field(default_factory=dict)  # stage-private state, keyed by stage name
    # Failed provider attempts (retries and fail-overs) as (provider id, reason), recorded by the router.
    provider_failures: list[tuple[str, str]] = field(default_factory=list)
    kind: CallKind = "chat"
    vectors: list[list[float]] | None = None  # an embeddings call's answer, one per input, set by the provider


# ---- what providers emit ------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class TextDelta:
    text: str


@dataclass(frozen=True, slots=True)
class Finished:
    usage: Usage | None
    provider: str
    model: str
    finish_reason: str | None


@dataclass(frozen=True, slots=True)
class ToolCalls:
    """The model asked to run tools (emitted once, whole, before Finished: providers assemble streamed pieces)."""

    calls: tuple[ToolCall, ...]


StreamEvent = TextDelta | ToolCalls | Finished
