"""The privacy promises end to end, with the real openai client against `govbot serve` and a fake upstream:
masked values never leave, placeholders come back to the right user only, prohibited words are blocked
despite evasions, and no raw value lands in logs, the database or the audit export."""

from __future__ import annotations

import asyncio
import json
import logging

import openai
import pytest
import yaml
from openai import AsyncOpenAI
from sqlalchemy import MetaData, func, select
from typer.testing import CliRunner

from assistants.skills.registry import parse_office_config as parse_config
from bot.cli import app
from bot.store.models import Base, ConversationMessage
from tests.conftest import APP_YAML, config_for_upstreams
from tests.integration.webchat import send

PHONE, EMAIL, NAME, RRN = "010-9876-5432", "lee.jiwon@example.kr", "이지원", "850315-2345678"


async def api_client(gb) -> AsyncOpenAI:
    key, _ = await gb.runtime.store.keys.create("traffic", "민원 도구", "park.jiyoung")
    return gb.track(AsyncOpenAI(base_url=gb.url + "/v1", api_key=key, max_retries=0))


MASKED = {  # masked by the shipped app.yaml: value → its placeholder
    PHONE: "[전화번호#1]",
    EMAIL: "[이메일#1]",
    NAME: "[성명#1]",
    "110-123-456789": "[계좌번호#1]",
    "M123A4567": "[여권번호#1]",
    "11-23-456789-01": "[운전면허번호#1]",
    "203.0.113.7": "[IP주소#1]",
    "1203호": "[상세주소#1]",
}


async def test_masked_values_never_reach_the_upstream_and_come_back_restored(start_govbot, fake_openai):
    fake_openai.reply_with("[성명#1] 님께 [전화번호#1]로 연락드리고, 회신은 [이메일#1]로 보내겠습니다.")
    fake_openai.reply_with(
        "환급 계좌 [계좌번호#1], 여권 [여권번호#1], 면허 [운전면허번호#1], 접속 [IP주소#1], 주소 [상세주소#1] 확인."
    )
    detail = (
        "신한은행 계좌 110-123-456789 로 환급, 여권 M123A4567, 운전면허 11-23-456789-01, 접속 IP 203.0.113.7, "
        "한빛로 12, 1203호 거주"
    )
    async with start_govbot() as gb:
        client = await api_client(gb)
        response = await client.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": f"민원인 {NAME} 씨({PHONE}, {EMAIL})에게 보낼 회신을 써 줘"}],
            user="thread-1",
        )
        stream = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": detail}], user="thread-1", stream=True
        )
        streamed = "".join([chunk.choices[0].delta.content or "" async for chunk in stream if chunk.choices])
    sent = fake_openai.everything_sent()
    for value, placeholder in MASKED.items():
        assert value not in sent, value
        assert placeholder in sent, placeholder
    assert response.choices[0].message.content == f"{NAME} 님께 {PHONE}로 연락드리고, 회신은 {EMAIL}로 보내겠습니다."
    assert (
        streamed
        == "환급 계좌 110-123-456789, 여권 M123A4567, 면허 11-23-456789-01, 접속 203.0.113.7, 주소 1203호 확인."
    )


async def test_api_placeholders_come_back_only_to_the_key_that_sent_the_values(start_govbot, fake_openai):
    fake_openai.reply_with("[전화번호#1]로 연락하세요.")
    fake_openai.reply_with("[전화번호#1]로 연락하세요.")
    async with start_govbot() as gb:
        owner, other = await api_client(gb), await api_client(gb)  # two tools: two users of one department
        mine = await owner.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": f"민원인 연락처 {PHONE} 로 회신할 문구"}],
            user="thread-1",
        )
        theirs = await other.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "연락처 알려줘"}], user="thread-1"
        )
    assert mine.choices[0].message.content == f"{PHONE}로 연락하세요."
    assert theirs.choices[0].message.content == "[전화번호#1]로 연락하세요."
    assert PHONE not in theirs.model_dump_json() and PHONE not in fake_openai.everything_sent()


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
            await client.chat.completions.create(
                model="default", messages=[{"role": "user", "content": f"주민번호 {RRN}"}]
            )
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    assert result.reply["kind"] == "refusal" and "주민등록번호" in result.text and "개인정보 보호 정책" in result.text
    assert refused.value.status_code == 400 and refused.value.body["code"] == "policy_blocked"
    assert fake_openai.requests == [] and status["requests_per_day"] == 0


@pytest.mark.parametrize(
    "text", ["시 발 진짜", "시\u200b발", "시\u3164발 같네", "ㅆㅣ발", "ㅅㅂ 이게 뭐야", "ｓｉｂａｌ"]
)
async def test_prohibited_words_are_blocked_despite_evasion(start_govbot, fake_openai, text):
    async with start_govbot() as gb:
        result = await send(gb.url, text)
    assert result.reply["kind"] == "refusal"
    assert "금칙어 정책" in result.text and "발" not in result.text.replace("다시", "")
    assert fake_openai.requests == []


async def test_prohibited_words_through_the_api_are_refused_and_innocent_words_pass(start_govbot, fake_openai):
    evasions = ["시 발 진짜", "시\u200b발", "시\u3164발 같네", "시.발", "씨\u200d\u200d발놈"]
    async with start_govbot() as gb:
        client = await api_client(gb)
        refusals = []
        for text in evasions:
            with pytest.raises(openai.BadRequestError) as refused:
                await client.chat.completions.create(model="default", messages=[{"role": "user", "content": text}])
            refusals.append(refused.value)
        fine = await client.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "시발점에서 출발하는 버스 노선"}]
        )
        status = {s.name: s.used for s in await gb.runtime.bundle.quota.status("traffic")}
    for error in refusals:
        assert error.status_code == 400 and error.body["code"] == "policy_blocked"
        assert (
            "금칙어 정책" in error.message
            and "Please rephrase" in error.message
            and "발" not in error.message.replace("다시", "")
        )
    assert fine.choices[0].message.content
    assert len(fake_openai.requests) == 1 and "시발점" in fake_openai.requests[0]["messages"][-1]["content"]
    assert status["requests_per_day"] == 1  # refused calls cost nothing


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


@pytest.mark.parametrize("store_content", [False, True], ids=["metadata only", "content stored"])
async def test_no_raw_value_in_logs_database_or_audit_export(
    start_govbot, fake_openai, caplog, capfd, tmp_path, store_content
):
    """After chat and API traffic full of personal information (masked, blocked, streamed, restored),
    none of the raw values is in the captured logs and output, any table, or the audit exports — also
    when the office keeps conversation content (then it is kept with the values replaced)."""
    caplog.set_level(logging.DEBUG)
    raw_config = config_for_upstreams(fake_openai.base_url).model_dump(mode="json")
    raw_config["retention"]["store_content"] = store_content
    config = parse_config(yaml.safe_dump(raw_config, allow_unicode=True))
    card, frn = "4111-1111-1111-1111", "850707-5123456"
    fake_openai.reply_with("[전화번호#1]로 회신하겠습니다.")
    fake_openai.reply_with("[성명#1] 님 계좌 [계좌번호#1] 확인.")
    fake_openai.reply_with("[여권번호#1] 여권과 [IP주소#1] 접속 기록 확인. 담당자 010-5555-7777")
    async with start_govbot(config=config) as gb:
        await send(gb.url, f"민원인 {NAME} 씨 연락처 {PHONE}, 메일 {EMAIL} 입니다. 회신 계획을 알려줘")
        await send(gb.url, f"주민번호 {RRN} 확인")
        client = await api_client(gb)
        await client.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": f"성명: {NAME}, 국민은행 계좌 110-123-456789 로 환급"}],
            user="t",
        )
        stream = await client.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "여권번호 M123A4567, 접속 IP 203.0.113.7"}],
            user="t",
            stream=True,
        )
        async for _ in stream:
            pass
        for blocked in (f"카드 {card} 결제 취소", f"외국인등록번호 {frn}"):
            with pytest.raises(openai.BadRequestError):
                await client.chat.completions.create(model="default", messages=[{"role": "user", "content": blocked}])
        metadata = MetaData()
        dumped = []
        async with gb.runtime.store.engine.connect() as connection:
            await connection.run_sync(metadata.reflect)
            for table in metadata.sorted_tables:
                rows = (await connection.execute(select(table))).all()
                dumped.append(json.dumps([list(map(str, r)) for r in rows], ensure_ascii=False))
        env = {"GOVBOT_DATABASE_URL": gb.settings.database_url, "GOVBOT_CONFIG": str(APP_YAML)}
        exports = [
            await asyncio.to_thread(CliRunner().invoke, app, ["audit", "export", "--format", kind], env=env)
            for kind in ("jsonl", "csv")
        ]
        audit_rows = [row async for row in gb.runtime.store.audit.rows() if row["purpose"] != "admin"]
        async with gb.runtime.store.engine.connect() as connection:
            kept_messages = await connection.scalar(select(func.count()).select_from(ConversationMessage))
    findings = [json.loads(row["findings"]) for row in audit_rows]
    captured = capfd.readouterr()
    everything = "\n".join([caplog.text, captured.out, captured.err, *dumped, *(e.stdout for e in exports)])
    raw_values = [
        PHONE,
        EMAIL,
        NAME,
        RRN,
        RRN.replace("-", ""),
        card,
        card.replace("-", ""),
        frn,
        "110-123-456789",
        "M123A4567",
        "203.0.113.7",
        "010-5555-7777",
    ]
    for raw in raw_values:
        assert raw not in everything, raw
    # the calls' records and the key's creation (an admin record: its prefix, never the key)
    assert all(e.exit_code == 0 for e in exports) and exports[0].stdout.count("\n") == len(findings) + 1 == 7
    assert "masked" in exports[0].stdout and "blocked" in exports[1].stdout  # the exports really hold these calls
    assert findings[0] == {"email": 1, "name": 1, "phone": 1}
    assert findings[1]["rrn"] == 1  # (plus the first turn, re-masked from the thread memory)
    assert findings[2] == {"account": 1, "name": 1} and findings[3] == {"ip": 1, "output_phone": 1, "passport": 1}
    assert findings[4] == {"card": 1} and findings[5] == {"frn": 1}
    assert len(Base.metadata.sorted_tables) <= len(metadata.sorted_tables)
    if store_content:  # the content really was kept (masked), so the scan above covered it
        assert kept_messages == 2 and "[전화번호]" in "".join(dumped) and audit_rows[0]["content"]
    else:
        assert kept_messages == 0 and all(row["content"] is None for row in audit_rows)
