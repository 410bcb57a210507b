"""Complaint triage end to end: the web chat with an attached list (the issue's "done when"), the CLI
on the same file, CP949 and broken files, pasted lists, forwarding to a department's channel."""

from __future__ import annotations

import io
import json
from datetime import datetime
from pathlib import Path

import aiohttp
import openpyxl
from typer.testing import CliRunner, Result

from bot.cli import app as cli_app
from bot.conversation import Reply
from tests.conftest import APP_YAML
from tests.integration.webchat import act, send
from tests.support.complaint_files import AS_OF, KICKBOARD_TOPICS, mixed, office_csv

REQUEST = "전동킥보드 관련 민원을 우선순위별로 정리해줘"
MODEL_JSON = json.dumps(
    {
        "terms": ["전동 킥보드", "공유 킥보드", "개인형 이동장치"],
        "title": "킥보드 민원 묶음",
        "summary": "인도 위 킥보드 문제가 반복해서 접수되고 있습니다.",
        "department": "traffic",
    },
    ensure_ascii=False,
)
CSV_TYPE = "text/csv"


def triage_cli(path: Path, *options: str, as_of: datetime | None = AS_OF) -> Result:
    """`govbot complaints triage PATH OPTIONS` with the test app.yaml, read as of AS_OF (None: the list's date)."""
    moment = ["--as-of", as_of.isoformat()] if as_of else []
    return CliRunner().invoke(
        cli_app, ["complaints", "triage", str(path), *options, *moment, "--config", str(APP_YAML)]
    )


def fix_clock(gb) -> None:  # type: ignore[no-untyped-def]
    gb.runtime.bot.services.skills["complaint_triage"].clock = lambda: AS_OF


async def download(base_url: str, url: str, user: str = "kim.minsu") -> bytes:
    async with aiohttp.ClientSession() as session:
        async with session.get(base_url + url, headers={"X-Forwarded-User": user}) as response:
            assert response.status == 200
            return await response.read()


def xlsx_rows(data: bytes, sheet: str = "민원 목록") -> list[dict[str, object]]:
    book = openpyxl.load_workbook(io.BytesIO(data), read_only=True)
    rows = list(book[sheet].iter_rows(values_only=True))
    return [dict(zip(rows[0], row)) for row in rows[1:]]


def parts_of(reply: dict, kind: str) -> list[dict]:
    return [p for p in reply["parts"] if p["type"] == kind]


def personal_values(rows: list[dict[str, str]]) -> list[str]:
    return [r["민원인"] for r in rows] + [r["연락처"] for r in rows] + [r["연락처"].replace("-", "") for r in rows]


async def test_web_chat_triages_only_kickboard_complaints_ranked_routed_with_xlsx_and_no_personal_data_sent(
    start_govbot, fake_openai
):
    rows = mixed()
    fake_openai.default_text = MODEL_JSON
    async with start_govbot() as gb:
        fix_clock(gb)
        result = await send(gb.url, REQUEST, files=[("민원목록.csv", office_csv(rows).encode("utf-8"), CSV_TYPE)])
        reply = result.reply
        assert reply["kind"] == "answer", result.text
        file_part = parts_of(reply, "file")[0]
        workbook = await download(gb.url, file_part["url"])
    kickboard_ids = {r["접수번호"] for r in rows if r["gold_cluster"] in KICKBOARD_TOPICS}
    assert len(kickboard_ids) >= 20
    listed = xlsx_rows(workbook)
    assert {row["접수번호"] for row in listed} == kickboard_ids  # only kickboard complaints, every one of them
    clusters, top = parts_of(reply, "table")
    assert clusters["columns"] == ["순위", "우선순위", "묶음", "건수", "대표 민원", "사유", "담당 부서(제안)"]
    assert len(clusters["rows"]) >= 2 and sum(int(r[3].rstrip("건")) for r in clusters["rows"]) == len(kickboard_ids)
    assert all(r[6] == "교통행정과" for r in clusters["rows"])
    assert all(r[5] for r in clusters["rows"])  # every cluster shows its reasons
    levels = [r[1] for r in clusters["rows"]]
    assert levels == sorted(levels, key=["긴급", "높음", "보통", "낮음"].index)  # ranked
    # Gold urgency is checked on ../shared/complaints (tests/unit/test_complaint_triage_shared.py); the
    # generated list only has to put a safety complaint first, with the level the workbook shows for it.
    by_row = {int(row["원본 행"]): row for row in listed}
    first_level, _, first_row = top["rows"][0][:3]
    assert first_level in ("긴급", "높음")
    assert by_row[int(first_row.rstrip("행"))]["우선순위"] == first_level
    assert all(
        row["우선순위"] in ("긴급", "높음", "보통", "낮음")
        and 0 <= row["점수"] <= 100
        and row["담당 부서(제안)"] == "교통행정과"
        for row in listed
    )
    assert "킥보드 민원 묶음" in reply["text"] and reply["notice"]  # model-written titles carry the AI notice
    assert result.progress and any("분석" in note for note in result.progress)
    # The model saw masked complaints only, and at most one call per cluster plus the topic call.
    sent = fake_openai.everything_sent()
    assert "킥보드" in sent and "[성명]" in sent and "[전화번호]" in sent
    shown = json.dumps(reply, ensure_ascii=False) + json.dumps(
        [list(r.values()) for r in listed], ensure_ascii=False, default=str
    )
    for value in personal_values(rows):
        assert value not in sent, value
        assert value not in shown, value
    assert 2 <= len(fake_openai.requests) <= len(clusters["rows"]) + 2
    buttons = parts_of(reply, "buttons")[0]["buttons"]
    assert buttons and all(b["action"] == "complaint_forward" and "교통행정과" in b["confirm"] for b in buttons)


async def test_cli_gives_the_same_result_from_the_same_file(start_govbot, fake_openai, tmp_path):
    rows = mixed()
    data = office_csv(rows).encode("utf-8")
    fake_openai.default_text = MODEL_JSON
    async with start_govbot() as gb:
        fix_clock(gb)
        result = await send(gb.url, REQUEST, files=[("민원목록.csv", data, CSV_TYPE)])
        workbook = await download(gb.url, parts_of(result.reply, "file")[0]["url"])
    path = tmp_path / "민원목록.csv"
    path.write_bytes(data)
    cli = triage_cli(path, "--topic", "전동킥보드", "--format", "json")
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    from_cli = {c["id"]: (c["cluster"], c["level"], c["score"], tuple(c["reasons"])) for c in document["complaints"]}
    from_chat = {
        r["접수번호"]: (
            r["묶음 순위"],
            r["우선순위"],
            r["점수"],
            tuple(filter(None, (r["우선순위 사유"] or "").split("; "))),
        )
        for r in xlsx_rows(workbook)
    }
    assert from_cli == from_chat
    assert [c["department"]["name"] for c in document["clusters"]] == ["교통행정과"] * len(document["clusters"])
    assert document["source"]["encoding"] == "utf-8" and document["topic"]["matched"] == len(from_cli)
    assert document["model_calls"] == 0


def test_cli_reads_a_cp949_export_and_reports_the_encoding(tmp_path):
    rows = mixed(60)
    path = tmp_path / "민원_cp949.csv"
    path.write_bytes(office_csv(rows).encode("cp949"))
    cli = triage_cli(path, "--format", "json")
    assert cli.exit_code == 0, cli.output
    document = json.loads(cli.stdout)
    assert document["source"]["encoding"] == "cp949"
    assert document["source"]["rows_read"] == 60 and len(document["complaints"]) == 60
    texts = {c["id"]: c["text"] for c in document["complaints"]}
    first = rows[0]
    assert first["내용"][:15] in texts[first["접수번호"]]  # Korean intact, not mojibake
    assert all(r["연락처"] not in cli.stdout and r["민원인"] not in cli.stdout for r in rows)
    table = triage_cli(path)
    assert table.exit_code == 0 and "CP949 인코딩으로 읽었습니다" in table.stdout


BROKEN = (
    "접수번호,접수일,제목,내용,민원인,연락처\n"
    "A-1,2026-11-19,킥보드 방치,한빛초등학교 정문 앞 인도에 공유 킥보드가 쓰러져 있어 아이들이 넘어질 뻔했습니다.,김민준,010-2345-6789\n"
    "A-2,2026-11-19,킥보드,새솔역 앞, 킥보드가, 길을 막습니다,박서연,010-3456-7890\n"
    "A-3,2026-11-18,,,이도윤,010-4567-8901\n"
    "A-4,어제쯤,킥보드 주행,푸른공원 산책로에서 전동킥보드가 사람 사이로 빠르게 달립니다. 단속해 주세요.,최지우,010-5678-9012\n"
    "A-5,2026-11-20,킥보드 사고,달빛시장 사거리에서 킥보드에 치여 다리를 다쳤습니다. 당장 조치해 주세요.,정하준,010-6789-0123\n"
)


def test_cli_reports_broken_rows_by_number_and_keeps_the_rest(tmp_path):
    path = tmp_path / "broken.csv"
    path.write_text(BROKEN, encoding="utf-8")
    cli = triage_cli(path, "--format", "json")
    assert cli.exit_code == 0, cli.output
    assert "3행" in cli.stderr and "값이 머리글보다 많습니다" in cli.stderr
    assert "4행" in cli.stderr and "'내용' 값이 비어 있습니다" in cli.stderr
    assert "5행" in cli.stderr and "접수일 '어제쯤'" in cli.stderr  # kept, analysed without a date
    document = json.loads(cli.stdout)
    assert sorted(c["id"] for c in document["complaints"]) == ["A-1", "A-4", "A-5"]
    assert [s["row"] for s in document["source"]["skipped"]] == [3, 4]
    assert document["complaints"][0]["id"] == "A-5" and document["complaints"][0]["level"] == "긴급"


def test_cli_without_a_text_column_says_what_to_fix(tmp_path):
    path = tmp_path / "no_header.csv"
    path.write_text("A-1,2026-11-19,김민준\nA-2,2026-11-20,박서연\n", encoding="utf-8")
    cli = triage_cli(path, as_of=None)
    assert cli.exit_code == 2
    assert "민원 내용이 든 열을 찾지 못했습니다" in cli.stderr and "'A-1'" in cli.stderr
    assert "No column with the complaint text" in cli.stderr


async def test_web_chat_reports_broken_rows_and_header_problems(start_govbot, fake_openai):
    async with start_govbot(offline=True) as gb:
        fix_clock(gb)
        broken = await send(
            gb.url, "첨부한 민원을 우선순위별로 정리해줘", files=[("broken.csv", BROKEN.encode("cp949"), CSV_TYPE)]
        )
        headerless = await send(
            gb.url,
            "민원 정리해줘",
            files=[("x.csv", "A-1,2026-11-19,김민준\nA-2,2026-11-20,박서연\n".encode(), CSV_TYPE)],
        )
    assert broken.reply["kind"] == "answer"
    assert "'broken.csv'을(를) CP949 인코딩으로 읽었습니다" in broken.text
    assert (
        "건너뛴 행 2개" in broken.text
        and "3행: 값이 머리글보다 많습니다" in broken.text
        and "4행: '내용' 값이 비어 있습니다" in broken.text
    )
    assert broken.reply["notice"] is None  # offline: nothing model-written
    assert headerless.reply["kind"] == "error" and "민원 내용이 든 열을 찾지 못했습니다" in headerless.text
    assert fake_openai.requests == []


async def test_general_assistant_lets_the_model_answer_other_questions(start_govbot, fake_openai):
    fake_openai.reply_with("민원 회신문은 인사, 검토 결과, 조치 계획, 문의처 순으로 씁니다.")
    async with start_govbot() as gb:
        result = await send(gb.url, "민원 회신문에 들어갈 기본 구성 알려줘")
    assert result.reply["assistant"] == "일반 도우미" and "회신문" in result.text
    assert fake_openai.requests[0]["messages"][-1]["content"] == "민원 회신문에 들어갈 기본 구성 알려줘"


async def test_pasted_numbered_list_on_the_dedicated_assistant(start_govbot, fake_openai):
    pasted = (
        "1. 한빛로 23 앞 도로에 큰 포트홀이 생겨 차들이 급하게 피합니다.\n"
        "2. 한빛로 23 포트홀에 오토바이가 걸려 넘어져 운전자가 다쳤습니다. 즉시 보수해 주세요.\n"
        "3. 새솔대로 보도블록이 깨져 있습니다. 연락은 010-9876-5432로 주세요.\n"
        "4. 푸른길 가로등이 일주일째 꺼져 있습니다.\n"
    )
    async with start_govbot(offline=True) as gb:
        fix_clock(gb)
        switched = await send(gb.url, "/use 민원 정리")
        result = await send(gb.url, pasted)
        help_reply = await send(gb.url, "안녕하세요")
    assert "민원 정리" in switched.text
    assert result.reply["kind"] == "answer" and result.reply["assistant"] == "민원 정리"
    top = parts_of(result.reply, "table")[1]["rows"][0]
    assert top[0] == "긴급" and top[2] == "2행"
    assert "010-9876-5432" not in json.dumps(result.reply, ensure_ascii=False)
    assert "도로과" in json.dumps(result.reply, ensure_ascii=False)
    assert "CSV·XLSX·TXT" in help_reply.text


class RecordingPoster:
    """A real ChannelPoster: keeps what it was asked to post (a messenger adapter would call its API)."""

    def __init__(self, fail: bool = False):
        self.posted: list[tuple[str, Reply]] = []
        self.fail = fail

    async def can_post(self, channel_id: str) -> bool:
        return True

    async def post(self, channel_id: str, reply: Reply) -> str | None:
        if self.fail:
            return None
        self.posted.append((channel_id, reply))
        return f"msg-{len(self.posted)}"


async def test_forward_a_cluster_to_the_departments_channel_after_confirm(start_govbot, fake_openai):
    rows = mixed()
    fake_openai.default_text = MODEL_JSON
    poster = RecordingPoster()
    async with start_govbot() as gb:
        fix_clock(gb)
        result = await send(gb.url, REQUEST, files=[("민원목록.csv", office_csv(rows).encode("utf-8"), CSV_TYPE)])
        button = parts_of(result.reply, "buttons")[0]["buttons"][0]
        not_connected = await act(gb.url, button["action"], button["value"])
        gb.runtime.posters.register("slack", poster)
        other_user = await act(gb.url, button["action"], button["value"], user="lee.seoyeon")
        forwarded = await act(gb.url, button["action"], button["value"])
        expired = await act(gb.url, "complaint_forward", "no-such-token")
    assert (
        "메신저 연결이 지금 켜져 있지 않아" in not_connected["reply"]["text"]
        and "C0TRAFFIC01" in not_connected["reply"]["text"]
    )
    assert other_user["reply"]["kind"] == "refusal"
    assert forwarded["reply"]["text"] == "교통행정과 Slack 채널(C0TRAFFIC01)에 1번 묶음 요약을 전달했습니다."
    [(channel, message)] = poster.posted
    assert channel == "C0TRAFFIC01" and "킥보드 민원 묶음" in message.text and "김민수(교통행정과)" in message.text
    posted_text = message.text + json.dumps([list(p.rows) for p in message.parts], ensure_ascii=False)
    assert all(value not in posted_text for value in personal_values(rows))
    assert "만료" in expired["reply"]["text"]


async def test_forward_to_a_department_without_channels_says_so(start_govbot, fake_openai):
    pasted = "민원 정리해줘\n한빛로 23 도로에 포트홀이 생겼습니다.\n새솔대로 보도블록이 파손돼 걸려 넘어질 뻔했습니다.\n푸른길 맨홀 주변 도로가 패였습니다."
    async with start_govbot(offline=True) as gb:
        fix_clock(gb)
        gb.runtime.posters.register("slack", RecordingPoster())
        result = await send(gb.url, pasted)
        button = parts_of(result.reply, "buttons")[0]["buttons"][0]
        forwarded = await act(gb.url, button["action"], button["value"])
    assert "도로과" in button["label"]
    assert "도로과에 등록된 메신저 채널이 없어" in forwarded["reply"]["text"]


async def test_model_failures_leave_the_offline_triage_with_a_note(start_govbot, fake_openai):
    fake_openai.fail_with(500, times=60)
    rows = mixed()
    async with start_govbot() as gb:
        fix_clock(gb)
        result = await send(gb.url, REQUEST, files=[("민원목록.csv", office_csv(rows).encode("utf-8"), CSV_TYPE)])
    assert result.reply["kind"] == "answer"
    assert "주제어 확장 모델 호출 실패" in result.text and "모델 없이 키워드로 표시했습니다" in result.text
    clusters = parts_of(result.reply, "table")[0]["rows"]
    assert clusters and all("·" in row[2] for row in clusters)  # keyword titles
    assert result.reply["notice"] is None  # nothing model-written


async def test_an_attached_xlsx_is_triaged_the_same_way(start_govbot, fake_openai):
    rows = mixed(120)
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["접수번호", "접수일시", "제목", "내용", "위치", "민원인", "연락처", "상태"])
    for row in rows:
        sheet.append([row[k] for k in ("접수번호", "접수일시", "제목", "내용", "위치", "민원인", "연락처", "상태")])
    buffer = io.BytesIO()
    book.save(buffer)
    async with start_govbot(offline=True) as gb:
        fix_clock(gb)
        result = await send(
            gb.url,
            "불법주정차 관련 민원 정리해줘",
            files=[
                ("민원.xlsx", buffer.getvalue(), "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
            ],
        )
        listed = xlsx_rows(await download(gb.url, parts_of(result.reply, "file")[0]["url"]))
    terms = ["불법주정차", "불법 주차", "불법주차", "주정차 위반", "이중주차"]  # app.yaml complaints.synonyms
    mentions = [r for r in rows if any(t.replace(" ", "") in (r["제목"] + r["내용"]).replace(" ", "") for t in terms)]
    assert len(mentions) >= 5
    assert {row["접수번호"] for row in listed} == {r["접수번호"] for r in mentions}
    assert {r["gold_cluster"] for r in mentions} == {"불법주정차"}
    assert {row["담당 부서(제안)"] for row in listed} == {"교통행정과"}


def test_cli_writes_xlsx_csv_and_tables(tmp_path):
    path = tmp_path / "민원.csv"
    path.write_text(office_csv(mixed(80)), encoding="utf-8")
    xlsx = triage_cli(path, "--format", "xlsx", "--out", str(tmp_path / "out.xlsx"))
    as_csv = triage_cli(path, "-f", "csv", "-o", str(tmp_path / "out.csv"))
    table = triage_cli(path, "--topic", "가로등")
    missing = triage_cli(path, "--topic", "드론")
    assert xlsx.exit_code == as_csv.exit_code == table.exit_code == 0, xlsx.output + as_csv.output + table.output
    workbook = openpyxl.load_workbook(tmp_path / "out.xlsx", read_only=True)
    assert workbook.sheetnames == ["민원 목록", "묶음 요약", "안내"]
    assert len(list(workbook["민원 목록"].iter_rows())) == 81
    written = (tmp_path / "out.csv").read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") and "우선순위 사유" in written.decode("utf-8-sig")
    assert "우선순위별 민원 묶음" in table.stdout and "도로과" in table.stdout
    assert missing.exit_code == 1 and "'드론' 관련 민원을 찾지 못했습니다" in missing.stderr


async def test_a_department_policy_that_allows_names_and_phones_shows_them(start_govbot, fake_openai):
    from tests.conftest import config_for_upstreams, shipped_config_data

    data = shipped_config_data()
    traffic = next(d for d in data["departments"] if d["id"] == "traffic")
    traffic["pii"] = {"name": "allow", "phone": "allow"}
    rows = mixed()
    fake_openai.default_text = MODEL_JSON
    async with start_govbot(config=config_for_upstreams(fake_openai.base_url, data=data)) as gb:
        fix_clock(gb)
        result = await send(gb.url, REQUEST, files=[("민원목록.csv", office_csv(rows).encode("utf-8"), CSV_TYPE)])
        listed = xlsx_rows(await download(gb.url, parts_of(result.reply, "file")[0]["url"]))
    originals = {r["접수번호"]: r for r in rows}
    assert all(
        row["민원인"] == originals[row["접수번호"]]["민원인"] and row["연락처"] == originals[row["접수번호"]]["연락처"]
        for row in listed
    )


def test_cli_without_as_of_reads_the_list_at_its_latest_received_date(tmp_path):
    rows = mixed(80)
    path = tmp_path / "민원.csv"
    path.write_text(office_csv(rows), encoding="utf-8")
    latest = max(datetime.fromisoformat(r["접수일시"]) for r in rows)
    default = triage_cli(path, "--format", "json", as_of=None)
    explicit = triage_cli(path, "--format", "json", as_of=latest)
    assert default.exit_code == explicit.exit_code == 0, default.output + explicit.output
    document = json.loads(default.stdout)
    assert document["as_of"] == latest.isoformat(timespec="minutes")
    assert document == json.loads(explicit.stdout)
