"""What a connected model adds, through the gateway only: more words for the topic (one call) and a
title, a one-sentence summary and a department for each of the top clusters (one call per cluster).
At most clusters + 1 calls; every text sent is already masked, and the gateway masks again.
A failed call leaves the offline result in place and says so."""

from __future__ import annotations

import asyncio
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from assistants.skills.complaints.pipeline import ClusterResult, TriageResult
from assistants.skills.complaints.routing import Route
from assistants.skills.complaints.topic import clean_model_terms
from bot.config import Department
from bot.gateway.errors import GatewayError
from bot.gateway.pipeline import Gateway
from bot.gateway.types import ChatMessage, GatewayRequest

SAMPLES_PER_CLUSTER = 6
SAMPLE_CHARS = 200
CONCURRENCY = 4

TOPIC_PROMPT = (
    "당신은 구청 민원 분류를 돕습니다. 주어진 주제를 민원인이 다르게 부를 만한 표현(동의어, 줄임말, 띄어쓰기 변형, 영문 약어)을 "
    '최대 10개까지 JSON으로만 답하세요. 형식: {"terms": ["…", "…"]}. 더 넓은 개념(예: 교통)은 넣지 마세요.'
)
CLUSTER_PROMPT = (
    "당신은 구청 민원 담당 공무원을 돕습니다. 같은 묶음으로 분류된 민원들을 읽고 JSON 한 개로만 답하세요. "
    '형식: {"title": "15자 이내 제목", "summary": "무엇이 문제이고 어디서 반복되는지 한 문장", "department": "부서 id 또는 null"}. '
    "[성명], [전화번호]처럼 가려진 개인정보는 추측하지 말고, 민원에 없는 사실은 쓰지 마세요."
)


@dataclass
class ModelHelper:
    gateway: Gateway
    department_id: str
    user_id: str
    conversation_key: str = ""
    platform: str = "api"
    assistant_id: str | None = None
    model: str = "default"
    calls: int = 0

    async def _ask(self, system: str, user: str, max_tokens: int) -> dict[str, Any] | None:
        return parse_json_object(await self.ask_text(system, user, max_tokens))

    async def ask_text(self, system: str, user: str, max_tokens: int) -> str:
        """One call through the gateway (masked, billed, audited as purpose "triage"); the model's text."""
        request = GatewayRequest(
            department_id=self.department_id,
            user_id=self.user_id,
            messages=[ChatMessage("system", system), ChatMessage("user", user)],
            model=self.model,
            assistant_id=self.assistant_id,
            conversation_key=self.conversation_key,
            max_output_tokens=max_tokens,
            temperature=0.0,
            platform=self.platform,
            purpose="triage",
        )
        self.calls += 1
        completion = await self.gateway.complete(request)
        return completion.text

    async def expand_topic(self, topic: str) -> tuple[list[str], str | None]:
        """(extra terms, a note when the call failed)."""
        try:
            answer = await self._ask(TOPIC_PROMPT, f"주제: {topic}", 200)
        except GatewayError as error:
            return [], f"주제어 확장 모델 호출 실패({error.message('ko')}): app.yaml 동의어만 사용했습니다."
        terms = answer.get("terms") if answer else None
        return (clean_model_terms(terms) if isinstance(terms, list) else []), None

    async def describe(self, result: TriageResult, departments: Sequence[Department], limit: int) -> list[str]:
        """Titles, summaries and departments for the `limit` top clusters; notes for failures."""
        semaphore = asyncio.Semaphore(CONCURRENCY)
        notes: list[str] = []
        catalogue = "\n".join(f"- {d.id}: {d.name} (담당: {', '.join(d.responsibilities[:12])})" for d in departments)
        ids = {d.id: d for d in departments}

        async def one(cluster: ClusterResult) -> None:
            samples = [result.complaints[i].complaint.text[:SAMPLE_CHARS].replace("\n", " ") for i in _samples(cluster)]
            prompt = (
                f"민원 {cluster.size}건, 키워드: {', '.join(cluster.keywords)}\n대표 민원:\n"
                + "\n".join(f"- {s}" for s in samples)
                + f"\n\n부서 목록:\n{catalogue}"
            )
            async with semaphore:
                try:
                    answer = await self._ask(CLUSTER_PROMPT, prompt, 300)
                except GatewayError as error:
                    notes.append(error.message("ko"))
                    return
            if not answer:
                return
            title, summary = answer.get("title"), answer.get("summary")
            if isinstance(title, str) and 1 <= len(title.strip()) <= 40:
                cluster.title = title.strip()
                cluster.written_by_model = True
            if isinstance(summary, str) and 1 <= len(summary.strip()) <= 300:
                cluster.summary = summary.strip()
                cluster.written_by_model = True
            department = ids.get(str(answer.get("department") or ""))
            if department is not None:
                matched = cluster.route.matched if cluster.route.department_id == department.id else ()
                cluster.route = Route(department.id, department.name, "model", matched, cluster.route.share)

        await asyncio.gather(*(one(c) for c in result.clusters[:limit]))
        if notes:
            return [f"일부 묶음의 제목·요약은 모델 없이 키워드로 표시했습니다: {notes[0]}"]
        return []


def _samples(cluster: ClusterResult) -> list[int]:
    """The representative first, then the most urgent others."""
    chosen = [cluster.representative]
    for index in cluster.members:
        if len(chosen) >= SAMPLES_PER_CLUSTER:
            break
        if index not in chosen:
            chosen.append(index)
    return chosen


def parse_json_object(text: str) -> dict[str, Any] | None:
    """The first JSON object in a model's answer (models wrap JSON in prose or code fences)."""
    match = re.search(r"\{.*\}", text, re.DOTALL)
    if not match:
        return None
    try:
        value = json.loads(match.group(0))
    except json.JSONDecodeError:
        return None
    return value if isinstance(value, dict) else None
