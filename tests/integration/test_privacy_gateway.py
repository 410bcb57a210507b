"""The privacy promises end to end, with the real openai client against `govbot serve` and a fake upstream:
masked values never leave, placeholders come back to the right user only, prohibited words are blocked
despite evasions, and no raw value lands in logs, the database or the audit export."""
from __future__ import annotations

import json
import logging

import openai
import pytest
from openai import AsyncOpenAI
from sqlalchemy import MetaData, select

from bot.store.models import Base
from tests.integration.webchat import send

PHONE, EMAIL, NAME, RRN = "010-9876-5432", "lee.jiwon@example.kr", "이지원", "850315-2345678"


async def api_client(gb) -> AsyncOpenAI:
    key, _ = await gb.runtime.store.keys.create("traffic", "민원 도구", "park.jiyoung")
    return AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0)


async def test_masked_values_never_reach_the_upstream_and_come_back_restored(start_govbot, fake_openai):
    fake_openai.reply_with("[성명#1] 님께 [전화번호#1]로 연락드리고, 회신은 [이메일#1]로 보내겠습니다.")
    async with start_govbot() as gb:
        client = await api_client(gb)
        response = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": f"민원인 {NAME} 씨({PHONE}, {EMAIL})에게 보낼 회신을 써 줘"}], user="thread-1"
        )
    sent = fake_openai.everything_sent()
    assert PHONE not in sent and EMAIL not in sent and NAME not in sent
    assert "[전화번호#1]" in sent and "[이메일#1]" in sent and "[성명#1]" in sent
    assert response.choices[0].message.content == f"{NAME} 님께 {PHONE}로 연락드리고, 회신은 {EMAIL}로 보내겠습니다."


async def test_placeholders_are_restored_only_for_the_user_who_sent_the_values(start_govbot, fake_openai):
    fake_openai.reply_with("확인했습니다.")
    fake_openai.reply_with("[전화번호#1]로 연락하세요.")
    fake_openai.reply_with("[전화번호#1]로 연락하세요.")
    async with start_govbot() as gb:
        await send(gb.url, f"민원인 연락처는 {PHONE} 입니다.", user="kim.minsu", thread="shared")
        own = await send(gb.url, "연락처 알려줘", user="kim.minsu", thread="shared")
        other = await send(gb.url, "연락처 알려줘", user="lee.seoyeon", thread="shared")
    assert own.text == f"{PHONE}로 연락하세요."
    assert other.text == "[전화번호#1]로 연락하세요." and PHONE not in json.dumps(other.reply, ensure_ascii=False)


async def test_streamed_reply_is_restored_across_chunk_boundaries_and_settled(start_govbot, fake_openai):
    # The fake streams 8-character chunks, so "[전화번호#1]" arrives split in two.
    fake_openai.reply_with("담당자에게 [전화번호#1]번으로 전화해 주세요. 내선은 따로 없습니다.")
    async with start_govbot() as gb:
        result = await send(gb.url, f"제 번호 {PHONE}로 연락 달라고 전해 주세요")
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert "".join(result.deltas) == f"담당자에게 {PHONE}번으로 전화해 주세요. 내선은 따로 없습니다."
    assert result.reply["text"] == "".join(result.deltas)
    assert status["tokens_per_month"] == 18


async def test_personal_information_the_model_invents_is_masked_in_the_answer(start_govbot, fake_openai):
    fake_openai.reply_with("담당 주무관 휴대전화는 010-5555-7777 입니다.")
    async with start_govbot() as gb:
        result = await send(gb.url, "담당자 연락처 알려줘")
    assert "010-5555-7777" not in result.text and "[전화번호]" in result.text


async def test_resident_registration_number_is_blocked_with_a_policy_message(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, f"이 사람 주민번호 {RRN.replace('-', ' - ')} 로 조회해 줘")
        client = await api_client(gb)
        with pytest.raises(openai.BadRequestError) as refused:
            await client.chat.completions.create(model="default", messages=[{"role": "user", "content": f"주민번호 {RRN}"}])
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert result.reply["kind"] == "refusal" and "주민등록번호" in result.text and "개인정보 보호 정책" in result.text
    assert refused.value.status_code == 400 and refused.value.body["code"] == "policy_blocked"
    assert fake_openai.requests == [] and status["requests_per_day"] == 0


@pytest.mark.parametrize("text", ["시 발 진짜", "시\u200b발", "시\u3164발 같네", "ㅆㅣ발", "ㅅㅂ 이게 뭐야", "ｓｉｂａｌ"])
async def test_prohibited_words_are_blocked_despite_evasion(start_govbot, fake_openai, text):
    async with start_govbot() as gb:
        result = await send(gb.url, text)
    assert result.reply["kind"] == "refusal"
    assert "금칙어 정책" in result.text and "발" not in result.text.replace("다시", "")
    assert fake_openai.requests == []


async def test_innocent_words_containing_a_listed_string_pass(start_govbot, fake_openai):
    async with start_govbot() as gb:
        result = await send(gb.url, "버스 시발점과 시발역 위치를 알려줘")
    assert result.reply["kind"] == "answer"
    assert "시발점" in fake_openai.requests[0]["messages"][-1]["content"]


async def test_prohibited_words_in_the_answer_are_covered(start_govbot, fake_openai):
    fake_openai.reply_with("민원인이 '씨발'이라고 말했다는 기록이 있습니다.")
    async with start_govbot() as gb:
        result = await send(gb.url, "통화 기록을 요약해줘")
    assert "씨발" not in result.text and "○○" in result.text


async def test_no_raw_value_in_logs_database_or_audit_export(start_govbot, fake_openai, caplog, tmp_path):
    caplog.set_level(logging.DEBUG)
    fake_openai.reply_with("[전화번호#1]로 회신하겠습니다.")
    async with start_govbot() as gb:
        await send(gb.url, f"민원인 {NAME} 씨 연락처 {PHONE}, 메일 {EMAIL} 입니다. 회신 계획을 알려줘")
        await send(gb.url, f"주민번호 {RRN} 확인")
        metadata = MetaData()
        dumped = []
        async with gb.runtime.store.engine.connect() as connection:
            await connection.run_sync(metadata.reflect)
            for table in metadata.sorted_tables:
                rows = (await connection.execute(select(table))).all()
                dumped.append(json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False))
        exported = [json.dumps(row, ensure_ascii=False, default=str) async for row in gb.runtime.store.audit.rows()]
        findings = [json.loads(row["findings"]) async for row in gb.runtime.store.audit.rows()]
    everything = caplog.text + "\n".join(dumped) + "\n".join(exported)
    for raw in (PHONE, EMAIL, NAME, RRN, RRN.replace("-", "")):
        assert raw not in everything
    assert findings[0] == {"email": 1, "name": 1, "phone": 1}
    assert findings[1]["rrn"] == 1  # (plus the first turn, re-masked from the thread memory)
    assert len(Base.metadata.sorted_tables) <= len(metadata.sorted_tables)
