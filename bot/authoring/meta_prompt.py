"""The meta-prompt that turns a creator's four answers into a system prompt draft, and the parsing of
what comes back. Pure functions: the dialogue sends the messages through the gateway."""

from __future__ import annotations

import re

from assistants.spec import Example
from bot.gateway.types import ChatMessage

_META_KO = """당신은 지방자치단체 공무원이 쓰는 업무용 AI 도우미의 시스템 프롬프트를 설계하는 전문가입니다.
부서 담당자가 준 정보로, 그 도우미에게 줄 시스템 프롬프트 하나를 한국어로 작성하세요.

지켜야 할 것:
- "당신은 …입니다."로 시작해 역할, 대상 사용자, 하는 일을 밝힙니다.
- 공문서에 맞는 정중하고 간결한 문체, 답변 구성 방식, 모르는 것은 모른다고 말하기를 지시합니다.
- 법령·지침을 언급할 때는 법령명과 조문을 밝히고 불확실하면 확인이 필요하다고 쓰라고 지시합니다.
- 개인정보(이름, 연락처, 주민등록번호 등)를 만들어 내거나 추측하지 말라고 지시합니다.
- 좋은 답변의 예가 주어지면 그 형식과 어조를 따르라고 지시합니다.
- 프롬프트 본문만 출력합니다. 설명, 머리말, 코드 블록 표시는 쓰지 않습니다. 600자 안팎으로 씁니다."""

_META_EN = """You design system prompts for work assistants used by local-government officials.
From the department's answers, write one system prompt for that assistant, in the language of the answers.
Start with "You are …", state the role, users and task; ask for a polite, concise official tone, honest
uncertainty, naming laws and articles when citing them, and never inventing personal data; follow the
example answer's form and tone when one is given. Output only the prompt text, about 600 characters."""


def draft_messages(
    *, name: str, purpose: str, example: str, audience: str, department: str, organisation: str, locale: str
) -> list[ChatMessage]:
    """The messages asking a model for a system prompt draft."""
    facts = [
        f"기관: {organisation}",
        f"부서: {department}",
        # "도우미 명칭", not "이름:", which the name detector rightly reads as a person's name label.
        f"도우미 명칭: {name}",
        f"하는 일: {purpose}",
        f"사용 대상: {audience}",
        f"좋은 답변의 예: {example or '(없음)'}",
    ]
    return [ChatMessage("system", _META_EN if locale == "en" else _META_KO), ChatMessage("user", "\n".join(facts))]


_FENCE = re.compile(r"^```[a-zA-Z]*\s*\n(?P<body>.*?)\n```\s*$", re.DOTALL)
_LABEL = re.compile(r"^(?:시스템 프롬프트|프롬프트|system prompt)\s*[:：]\s*", re.IGNORECASE)


def clean_draft(text: str) -> str:
    """The prompt without a surrounding code fence or a leading "프롬프트:" label."""
    stripped = text.strip()
    fenced = _FENCE.match(stripped)
    if fenced:
        stripped = fenced.group("body").strip()
    return _LABEL.sub("", stripped, count=1).strip()


_QA = re.compile(
    r"^\s*(?:질문|Q)\s*[:：]\s*(?P<q>.+?)\s*^\s*(?:답변|답|A)\s*[:：]\s*(?P<a>.+)\Z",
    re.DOTALL | re.MULTILINE | re.IGNORECASE,
)


def parse_example(text: str) -> Example | None:
    """A few-shot pair from "질문: … / 답변: …" lines; None when the text is not in that form."""
    match = _QA.match(text.strip())
    if not match:
        return None
    return Example(question=match.group("q").strip(), answer=match.group("a").strip())
