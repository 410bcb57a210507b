"""Hybrid knowledge search in the web chat with the fake upstream: app.yaml names an embeddings model, the
statutes load at start-up with their passages embedded through the gateway (billed and audited), the
question is embedded with its personal information masked, the fused ranking gives the sources, and an
embeddings failure leaves the official a lexical answer, not an error."""

from __future__ import annotations

import asyncio
import json

import yaml
from sqlalchemy import select

from assistants.skills.registry import parse_office_config as parse_config
from bot.store.knowledge_repository import KnowledgeRepository
from bot.store.models import AuditRecord
from tests.conftest import FAKE_KEY_ENV, shipped_config_data
from tests.integration.test_knowledge import ACT, LAWS, needs_laws
from tests.integration.webchat import send

PHONE = "010-2345-6789"
QUESTION = f"당 플래카드 허가 안 받고 걸어도 되나요? ({PHONE})"


def hybrid_config(base_url: str):  # type: ignore[no-untyped-def]
    data = shipped_config_data()
    data["providers"] = [
        {"id": "fake0", "kind": "openai", "base_url": base_url, "api_key_env": FAKE_KEY_ENV, "max_retries": 1}
    ]
    data["models"] = {
        "default": [{"provider": "fake0", "model": "fake-model"}],
        "long": [{"provider": "fake0", "model": "fake-model"}],
        "embed": [{"provider": "fake0", "model": "fake-embedding"}],
    }
    # indexing six statutes costs about 200,000 tokens: the office sizes the paying department's quota for it
    payer = data["departments"][0]
    payer["quota"] = {**payer.get("quota", {}), "tokens_per_day": 2_000_000, "user_tokens_per_day": 1_000_000}
    knowledge = data.setdefault("knowledge", {})
    knowledge["embeddings"] = {"model": "embed", "department": payer["id"]}
    knowledge["collections"] = [{"name": "법령", "paths": [str(LAWS)]}]
    return parse_config(yaml.safe_dump(data, allow_unicode=True))


async def loaded(gb, documents: int = 6) -> None:  # type: ignore[no-untyped-def]
    """Wait for the start-up sync (a background task) to store every statute."""
    repository = KnowledgeRepository(gb.runtime.store.sessions)
    for _ in range(600):
        if sum(c.documents for c in await repository.visible(None)) >= documents:
            return
        await asyncio.sleep(0.1)
    raise AssertionError("the statutes were not loaded at start-up")


async def embedding_audits(gb) -> list[AuditRecord]:  # type: ignore[no-untyped-def]
    async with gb.runtime.store.sessions() as session:
        rows = await session.scalars(select(AuditRecord).where(AuditRecord.purpose == "knowledge_embed"))
        return list(rows.all())


@needs_laws
async def test_the_question_is_embedded_masked_and_the_fused_ranking_gives_the_sources(start_govbot, fake_openai):
    async with start_govbot(config=hybrid_config(fake_openai.base_url)) as gb:
        await loaded(gb)
        passages = len(fake_openai.embedding_inputs())
        fake_openai.reply_with("정당 현수막은 허가 없이 표시할 수 있습니다(「옥외광고물법」 제8조).")
        answer = await send(gb.url, f"@법령·지침 검색 {QUESTION}", user="lee.seoyeon")
        asked = fake_openai.embedding_inputs()[passages:]
        service = gb.runtime.bot.services.skills["knowledge"].service
        embedder = service.embedder(gb.runtime.gateway, "traffic", "lee.seoyeon", "web")
        hybrid = await service.search(QUESTION, department_id="traffic", embedder=embedder)
        lexical = await service.search(QUESTION, department_id="traffic")
        audits = await embedding_audits(gb)
    assert passages > 300  # every article of the six statutes was embedded at start-up, in batches
    assert all(len(body["input"]) <= 2048 for body in fake_openai.requests if "input" in body)
    # the question went to /v1/embeddings once, its phone number masked
    assert len(asked) == 1 and PHONE not in asked[0] and "플래카드" in asked[0]
    assert PHONE not in fake_openai.everything_sent()
    # the reply's sources are the fused ranking's cited passages (which differ from the words alone)
    fused = [r.chunk.citation for r in hybrid.relevant]
    words = [r.chunk.citation for r in lexical.relevant]
    assert answer.reply["kind"] == "answer"
    assert [s.split("(")[0] for s in answer.reply["sources"]] == fused
    assert fused != words and any(f"「{ACT}」 제8조" == c for c in fused)
    # billed and audited like chat: the indexing to the first department, the question to the official's
    assert {a.decision for a in audits} == {"allowed", "masked"}
    assert any(a.user_id == "lee.seoyeon" and json.loads(a.findings) for a in audits)
    assert all(a.prompt_tokens > 0 for a in audits)


@needs_laws
async def test_an_embeddings_failure_answers_lexically_without_an_error(start_govbot, fake_openai):
    async with start_govbot(config=hybrid_config(fake_openai.base_url)) as gb:
        await loaded(gb)
        fake_openai.fail_embeddings_with(503, times=2)  # both attempts of the question's embedding
        fake_openai.reply_with("정당 현수막은 허가 없이 표시할 수 있습니다.")
        answer = await send(gb.url, f"@법령·지침 검색 {QUESTION}", user="lee.seoyeon")
        service = gb.runtime.bot.services.skills["knowledge"].service
        lexical = await service.search(QUESTION, department_id="traffic")
        audits = await embedding_audits(gb)
    assert answer.error is None and answer.reply["kind"] == "answer"
    assert [s.split("(")[0] for s in answer.reply["sources"]] == [r.chunk.citation for r in lexical.relevant]
    assert "failed" in {a.decision for a in audits}  # the failed call is audited, the official sees nothing of it
