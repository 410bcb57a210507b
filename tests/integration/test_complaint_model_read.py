"""The optional model pass of the triage (issue 14, item 5), through the web chat and the gateway, with the fake
upstream: it receives masked text only, its levels and reasons land on the complaints, and a bad answer or a
quota refusal leaves the offline levels with a note. A large list shows the cost and waits for the button."""

from __future__ import annotations

import json
import re

from tests.conftest import config_for_upstreams, shipped_config_data
from tests.integration.test_complaint_triage import (
    CSV_TYPE,
    download,
    fix_clock,
    parts_of,
    personal_values,
    xlsx_rows,
)
from tests.integration.test_quota import config_with_quota
from tests.integration.webchat import act, send
from tests.support.complaint_files import mixed, office_csv

REQUEST = "첨부한 민원을 우선순위별로 정리해줘"
# One answer for every call: the rubric reading (items) and the cluster titles (title, summary, department).
ALL_LOW = json.dumps(
    {
        "items": [{"n": n, "level": "낮음", "reason": "모델이 본 단순 불편"} for n in range(1, 16)],
        "title": "모델 묶음",
        "summary": "요약",
        "department": None,
    },
    ensure_ascii=False,
)


def model_config(*, confirm_over: int = 200, base_url: str):  # type: ignore[no-untyped-def]
    data = shipped_config_data()
    data["complaints"]["model_levels"] = True
    data["complaints"]["model_levels_confirm_over"] = confirm_over
    data["complaints"]["model_clusters"] = 0  # only the rubric pass calls the model here
    return config_for_upstreams(base_url, data=data)


async def triage_in_chat(gb, rows):  # type: ignore[no-untyped-def]
    fix_clock(gb)
    result = await send(gb.url, REQUEST, files=[("민원목록.csv", office_csv(rows).encode("utf-8"), CSV_TYPE)])
    assert result.reply["kind"] == "answer", result.text
    listed = xlsx_rows(await download(gb.url, parts_of(result.reply, "file")[0]["url"]))
    return result, {row["접수번호"]: row for row in listed}


async def offline_levels(start_govbot, rows):  # type: ignore[no-untyped-def]
    async with start_govbot(offline=True) as gb:
        _, listed = await triage_in_chat(gb, rows)
    return {key: row["우선순위"] for key, row in listed.items()}


async def test_the_model_reads_masked_complaints_in_batches_and_its_levels_and_reasons_are_kept(
    start_govbot, fake_openai
):
    rows = mixed(60)
    fake_openai.default_text = ALL_LOW
    async with start_govbot(config=model_config(base_url=fake_openai.base_url)) as gb:
        result, listed = await triage_in_chat(gb, rows)
    calls = fake_openai.requests
    assert 1 <= len(calls) <= -(-len(rows) // 15)  # batches of 15, copies not sent again
    assert all("긴급: 생명·신체에 즉각적인 위험" in r["messages"][0]["content"] for r in calls)  # the rubric
    sent = fake_openai.everything_sent()
    assert "[성명]" in sent or "[전화번호]" in sent
    for value in personal_values(rows):
        assert value not in sent, value
    # Every complaint took the model's level, with its one-line reason first; the reply says what it did.
    assert {row["우선순위"] for row in listed.values()} == {"낮음"}
    assert all(row["우선순위 사유"].startswith("모델 판단(낮음): 모델이 본 단순 불편") for row in listed.values())
    assert "기준표에 따라 다시 읽었습니다" in result.text and f"호출 {len(calls)}회" in result.text
    assert result.reply["notice"]  # model-judged levels carry the AI notice


async def test_an_answer_that_is_not_the_json_asked_for_keeps_the_offline_levels(start_govbot, fake_openai):
    rows = mixed(40)
    expected = await offline_levels(start_govbot, rows)
    fake_openai.default_text = "죄송합니다. 이 요청은 도와드릴 수 없습니다."
    async with start_govbot(config=model_config(base_url=fake_openai.base_url)) as gb:
        result, listed = await triage_in_chat(gb, rows)
    assert fake_openai.requests  # the model was asked
    assert {key: row["우선순위"] for key, row in listed.items()} == expected
    assert not any("모델 판단" in (row["우선순위 사유"] or "") for row in listed.values())
    assert "오프라인 등급을 그대로 두었습니다: 모델의 답이 요청한 JSON 형식이 아니었습니다" in result.text


async def test_a_quota_refusal_keeps_the_offline_levels_and_says_why(start_govbot, fake_openai):
    rows = mixed(40)
    expected = await offline_levels(start_govbot, rows)
    fake_openai.default_text = ALL_LOW
    config = config_with_quota(model_config(base_url=fake_openai.base_url), requests_per_day=0)
    async with start_govbot(config=config) as gb:
        result, listed = await triage_in_chat(gb, rows)
    assert fake_openai.requests == []  # refused before anything was sent
    assert {key: row["우선순위"] for key, row in listed.items()} == expected
    assert not any("모델 판단" in (row["우선순위 사유"] or "") for row in listed.values())
    assert re.search(r"오프라인 등급을 그대로 두었습니다: .*도달해 요청을 처리할 수 없습니다", result.text), result.text
    assert result.text.count("도달해 요청을 처리할 수 없습니다") == 1  # said once, not once per batch


async def test_a_large_list_shows_calls_and_tokens_and_waits_for_the_button(start_govbot, fake_openai):
    rows = mixed(40)
    fake_openai.default_text = ALL_LOW
    async with start_govbot(config=model_config(confirm_over=10, base_url=fake_openai.base_url)) as gb:
        first, _ = await triage_in_chat(gb, rows)
        assert fake_openai.requests == []  # nothing sent before the official agrees
        estimate = re.search(r"호출 (\d+)회, 약 ([\d,]+)토큰", first.text)
        assert estimate, first.text
        [button] = [
            b for p in parts_of(first.reply, "buttons") for b in p["buttons"] if b["action"] == "complaint_model_read"
        ]
        assert "토큰" in button["confirm"]
        stranger = await act(gb.url, button["action"], button["value"], user="lee.seoyeon")
        confirmed = await act(gb.url, button["action"], button["value"])
        again = await act(gb.url, button["action"], button["value"])
    assert stranger["reply"]["kind"] == "refusal"
    assert len(fake_openai.requests) == int(estimate.group(1))  # as many calls as announced
    assert "기준표에 따라 다시 읽었습니다" in confirmed["reply"]["text"]
    assert "토큰이 듭니다" not in confirmed["reply"]["text"]
    assert "만료" in again["reply"]["text"]  # one pass per confirmation


async def test_the_cli_shows_the_cost_asks_before_a_large_run_and_reads_with_yes(start_govbot, fake_openai, tmp_path):
    import asyncio

    import yaml
    from typer.testing import CliRunner

    from bot.cli import app as cli_app

    rows = mixed(40)
    path = tmp_path / "민원목록.csv"
    path.write_text(office_csv(rows), encoding="utf-8")
    fake_openai.default_text = ALL_LOW
    config = model_config(confirm_over=10, base_url=fake_openai.base_url)
    config_path = tmp_path / "app.yaml"
    config_path.write_text(yaml.safe_dump(config.model_dump(mode="json"), allow_unicode=True), encoding="utf-8")

    async with start_govbot(config=config) as gb:
        env = {"GOVBOT_DATABASE_URL": gb.settings.database_url, "GOVBOT_CONFIG": str(config_path)}
        if gb.settings.database_schema:
            env["GOVBOT_DATABASE_SCHEMA"] = gb.settings.database_schema

        def triage(*options: str, answer: str = ""):  # type: ignore[no-untyped-def]
            arguments = ["complaints", "triage", str(path), "--format", "json", "--config", str(config_path)]
            return CliRunner().invoke(cli_app, [*arguments, *options], env=env, input=answer)

        declined = await asyncio.to_thread(triage, "--model", "--by", "kim.minsu", answer="n\n")
        assert fake_openai.requests == []  # asked first, nothing sent on "no"
        agreed = await asyncio.to_thread(triage, "--model", "--by", "kim.minsu", "--yes")
    assert declined.exit_code == 0, declined.output
    assert re.search(r"호출 \d+회, 약 [\d,]+토큰", declined.stderr) and "모델로 읽을까요?" in declined.stderr
    offline = json.loads(declined.stdout[declined.stdout.index("{") :])  # CliRunner echoes the typed "n" to stdout
    assert offline["model_calls"] == 0 and not any(
        "모델 판단" in r for c in offline["complaints"] for r in c["reasons"]
    )
    assert agreed.exit_code == 0, agreed.output
    document = json.loads(agreed.stdout)
    calls = int(re.search(r"호출 (\d+)회", agreed.stderr).group(1))  # type: ignore[union-attr]
    assert document["model_calls"] == calls == len(fake_openai.requests) >= 1
    assert {c["level"] for c in document["complaints"]} == {"낮음"}
    assert all(c["reasons"][0].startswith("모델 판단(낮음)") for c in document["complaints"])
    sent = fake_openai.everything_sent()
    for value in personal_values(rows):
        assert value not in sent, value
