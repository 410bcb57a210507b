"""The optional model pass (issue 14, item 5): a connected model reads the masked complaints in batches with
the office's urgency rubric and answers a level and a one-line reason for each, as JSON.

Why a separate pass: the offline reading follows phrases; a model can weigh a whole rambling letter. It is
bounded and fails safe: only first reports are sent (copies follow their issue), every text is already
masked (and the gateway masks again, bills and audits the call under purpose "triage"); an answer that is
not valid JSON of the expected shape, a refusal or a quota stop leaves those complaints at their offline
level and says so. `plan` gives the number of calls and an estimate of tokens before anything is sent, so a
large run is confirmed first.
"""

from __future__ import annotations

import asyncio
import re
from collections.abc import Awaitable, Callable, Sequence
from dataclasses import dataclass, field
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from assistants.skills.complaints.pipeline import TriageResult
from assistants.skills.complaints.priority import LEVELS, LEVELS_EN, Priority
from assistants.skills.complaints.reasons import Reason
from bot.gateway.errors import GatewayError, QuotaExceeded
from bot.gateway.stream import estimate_tokens
from bot.i18n import t

# The rubric the development set (../shared/complaints) was labelled with: the model reads by the same rules.
RUBRIC = (
    "당신은 구청 민원 담당 공무원을 돕습니다. 아래 기준으로 각 민원의 긴급도를 판단하세요(날짜는 보지 않고 글만 읽습니다).\n"
    "- 긴급: 생명·신체에 즉각적인 위험이거나 지금 일어나고 있는 심각한 피해. 붕괴 위험, 가스, 늘어진 전선, 싱크홀, "
    "큰 교차로 신호 고장, 열린 맨홀, 침수, 위험에 처한 아이, 다친 사람.\n"
    "- 높음: 즉각적이지 않은 안전 위험, 많은 사람이나 취약한 사람(장애인, 어린이, 독거노인)에게 계속되는 심각한 피해, "
    "해결되지 않아 다시 신고된 안전·위생 문제, 위험을 만드는 불법 행위(소방차 전용구역, 어린이보호구역).\n"
    "- 보통: 일상적인 불편이나 행정 서비스 요청.\n"
    "- 낮음: 의견, 칭찬, 일반 건의, 안내로 답할 수 있는 문의, 막연한 내용.\n"
    "위험한 단어가 있어도 실제 위험이 아니면(예: '사고 날 뻔했다는 건 아니고') 낮추고, 차분히 쓴 긴급 상황은 올리세요. "
    "[성명], [전화번호]처럼 가려진 개인정보는 추측하지 마세요.\n"
    '번호마다 하나씩, JSON 한 개로만 답하세요. 형식: {"items": [{"n": 1, "level": "긴급|높음|보통|낮음", '
    '"reason": "30자 안팎의 한 줄 이유"}]}'
)
BATCH_SIZE = 15  # complaints per call: long enough to amortise the rubric, short enough to keep answers whole
TEXT_CHARS = 700  # of each complaint sent; long letters say what matters early
OUTPUT_TOKENS_PER_ITEM = 45
CONCURRENCY = 4

Ask = Callable[[str, str, int], Awaitable[str]]  # (system, user, max output tokens) -> the model's text


class Verdict(BaseModel):
    """One complaint as the model read it; anything else in the item is ignored."""

    model_config = ConfigDict(extra="ignore")
    n: int = Field(ge=1)
    level: Literal["긴급", "높음", "보통", "낮음"]
    reason: str = Field(min_length=1, max_length=200)


class Answer(BaseModel):
    model_config = ConfigDict(extra="ignore")
    items: list[Verdict] = Field(min_length=1)


@dataclass(frozen=True, slots=True)
class ReadPlan:
    batches: list[list[int]]  # indices into TriageResult.complaints, first reports only
    tokens: int  # estimated prompt + answer tokens of the whole pass

    @property
    def calls(self) -> int:
        return len(self.batches)

    @property
    def complaints(self) -> int:
        return sum(len(batch) for batch in self.batches)


@dataclass(slots=True)
class ReadOutcome:
    calls: int = 0
    read: int = 0  # complaints whose level the model gave
    changed: int = 0  # complaints (copies included) whose level it changed
    failures: list[str] = field(default_factory=list)  # why batches kept their offline levels (reader's language)


def _text(result: TriageResult, index: int) -> str:
    text = re.sub(r"\s+", " ", result.complaints[index].complaint.text).strip()
    return text[:TEXT_CHARS]


def batch_prompt(result: TriageResult, batch: Sequence[int]) -> str:
    """The numbered complaints of one call (masked text, whitespace folded, cut at TEXT_CHARS)."""
    return "\n".join(f"{n}. {_text(result, index)}" for n, index in enumerate(batch, start=1))


def plan(result: TriageResult, batch_size: int = BATCH_SIZE) -> ReadPlan:
    """Which complaints go in which call, and the tokens it will take: copies and repeat reports linked to a
    first report are not sent again (they take its level), so a petition copied 22 times is read once."""
    first_reports = [i for i, scored in enumerate(result.complaints) if scored.duplicate_of is None]
    batches = [first_reports[i : i + batch_size] for i in range(0, len(first_reports), batch_size)]
    rubric = estimate_tokens(RUBRIC)
    tokens = sum(
        rubric + estimate_tokens(batch_prompt(result, batch)) + OUTPUT_TOKENS_PER_ITEM * len(batch) for batch in batches
    )
    return ReadPlan(batches, tokens)


def parse_answer(text: str, size: int) -> dict[int, Verdict] | None:
    """Verdicts by number (1…size) from the model's text, or None when it is not the JSON asked for."""
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        return None
    try:
        answer = Answer.model_validate_json(match.group(0))
    except ValidationError:
        return None
    found = {item.n: item for item in answer.items if item.n <= size}
    return found or None


def _issue_members(result: TriageResult) -> dict[int, list[int]]:
    """First report index -> every complaint of its issue (itself, copies and repeat reports)."""
    index_of_row = {scored.complaint.row: i for i, scored in enumerate(result.complaints)}
    members: dict[int, list[int]] = {}
    for index, scored in enumerate(result.complaints):
        first = index if scored.duplicate_of is None else index_of_row.get(scored.duplicate_of, index)
        members.setdefault(first, []).append(index)
    return members


def apply(result: TriageResult, verdicts: dict[int, Verdict]) -> int:
    """The model's level and reason on each read complaint and on the copies of its issue (index -> verdict).
    The offline score and reasons stay (they explain the score); returns how many levels changed."""
    members = _issue_members(result)
    changed = 0
    for first, verdict in verdicts.items():
        said = verdict.reason.strip()
        reason = Reason(
            (
                t("triage_reason_model", "ko", level=verdict.level, reason=said),
                t("triage_reason_model", "en", level=LEVELS_EN[verdict.level], reason=said),
            )
        )
        for index in members.get(first, [first]):
            scored = result.complaints[index]
            own = scored.priority
            changed += own.level != verdict.level
            signals = {**own.signals, "model_level": float(LEVELS.index(verdict.level))}
            scored.priority = Priority(own.score, verdict.level, (reason, *own.reasons), signals)
    return changed


async def read_levels(ask: Ask, result: TriageResult, reading: ReadPlan, locale: str = "ko") -> ReadOutcome:
    """Send every batch of the plan (CONCURRENCY at a time); apply the valid answers. A quota refusal stops
    the batches not yet sent; every failure is listed and leaves its complaints at their offline level."""
    outcome = ReadOutcome()
    semaphore = asyncio.Semaphore(CONCURRENCY)
    stopped: list[str] = []
    verdicts: dict[int, Verdict] = {}

    async def one(batch: list[int]) -> None:
        async with semaphore:
            if stopped:
                return
            outcome.calls += 1
            try:
                text = await ask(RUBRIC, batch_prompt(result, batch), OUTPUT_TOKENS_PER_ITEM * len(batch) + 40)
            except QuotaExceeded as error:
                stopped.append(error.message(locale))
                return
            except GatewayError as error:
                outcome.failures.append(error.message(locale))
                return
        found = parse_answer(text, len(batch))
        if found is None:
            outcome.failures.append(t("triage_model_bad_answer", locale))
            return
        for n, verdict in found.items():
            verdicts[batch[n - 1]] = verdict

    await asyncio.gather(*(one(batch) for batch in reading.batches))
    outcome.failures += stopped[:1]
    outcome.read = len(verdicts)
    outcome.changed = apply(result, verdicts)
    return outcome


def estimate_note(reading: ReadPlan, locale: str) -> str:
    """ "민원 120건을 모델로 읽으면 호출 8회, 약 19,800토큰" for a confirmation prompt."""
    return t(
        "triage_model_estimate",
        locale,
        complaints=f"{reading.complaints:,}",
        calls=f"{reading.calls:,}",
        tokens=f"{reading.tokens:,}",
    )


def outcome_note(outcome: ReadOutcome, reading: ReadPlan, locale: str) -> str:
    """What the model pass did, for the official: how many it read, and why the rest kept offline levels."""
    note = t(
        "triage_model_read",
        locale,
        read=f"{outcome.read:,}",
        total=f"{reading.complaints:,}",
        calls=outcome.calls,
        changed=f"{outcome.changed:,}",
    )
    if outcome.failures:
        note += " " + t("triage_model_failed", locale, why=outcome.failures[0])
        if len(outcome.failures) > 1:
            note += " " + t("triage_model_failed_more", locale, more=len(outcome.failures) - 1)
    return note
