"""Reply → Adaptive Card: what officials see in Teams, and that it always fits Teams' size limit."""

from __future__ import annotations

import json

from hypothesis import given, settings
from hypothesis import strategies as st

from adapters.teams.cards import MAX_CARD_BYTES, card_size, markdown_for_card, plain_text, reply_card, welcome_card
from bot.conversation import Button, Buttons, DepartmentSummary, FilePart, Reply, Section, Table

NOTICE = "※ 이 답변은 생성형 AI가 작성한 초안입니다."


def texts(card: dict) -> list[str]:
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            if node.get("type") == "TextBlock":
                found.append(node["text"])
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(card["body"])
    return found


def test_answer_with_table_notice_sources_and_feedback_buttons():
    reply = Reply(
        "## 요약\n민원 3건을 부서별로 나눴습니다.",
        kind="answer",
        parts=[
            Table(("부서", "건수"), (("도로과", "2"), ("교통행정과", "1")), title="부서별 건수"),
            Buttons((Button("👍 도움이 됐어요", "feedback", "a1:up"), Button("👎 아쉬워요", "feedback", "a1:down"))),
        ],
        notice=NOTICE,
        sources=["도로법 제61조", "민원처리법 시행령 제8조"],
        assistant="민원 분류",
        answer_id="a1",
    )
    card = reply_card(reply)
    assert card["type"] == "AdaptiveCard" and card["version"] == "1.5"
    body = texts(card)
    assert "🤖 민원 분류" in body
    assert "**요약**\n민원 3건을 부서별로 나눴습니다." in body  # headings become bold lines
    table = next(e for e in card["body"] if e["type"] == "Table")
    assert table["firstRowAsHeader"] is True and len(table["columns"]) == 2
    assert [[c["items"][0]["text"] for c in row["cells"]] for row in table["rows"]] == [
        ["부서", "건수"],
        ["도로과", "2"],
        ["교통행정과", "1"],
    ]
    footer = card["body"][-1]
    assert footer["separator"] is True
    footer_text = texts({"body": footer["items"]})
    assert footer_text[0].startswith("**출처**") and "- 도로법 제61조" in footer_text[0]
    assert footer_text[-1] == NOTICE
    assert [(a["type"], a["verb"], a["data"]) for a in card["actions"]] == [
        ("Action.Execute", "feedback", {"govbot_action": "feedback", "value": "a1:up"}),
        ("Action.Execute", "feedback", {"govbot_action": "feedback", "value": "a1:down"}),
    ]
    assert all(a["fallback"]["type"] == "Action.Submit" and a["fallback"]["data"] == a["data"] for a in card["actions"])
    assert "민원 3건을" in card["fallbackText"] and NOTICE in card["fallbackText"]


def test_no_notice_footer_when_no_model_wrote_the_text():
    card = reply_card(Reply("/help 명령어 목록입니다.", kind="info"))
    assert NOTICE not in json.dumps(card, ensure_ascii=False)
    assert "actions" not in card


def test_confirm_button_asks_first_in_a_show_card():
    reply = Reply(
        "이관할까요?",
        parts=[
            Buttons((Button("도로과로 이관", "forward", "c-12", style="danger", confirm="정말 도로과로 이관할까요?"),))
        ],
    )
    action = reply_card(reply)["actions"][0]
    assert action["type"] == "Action.ShowCard" and action["title"] == "도로과로 이관"
    inner = action["card"]
    assert texts(inner) == ["정말 도로과로 이관할까요?"]
    execute = inner["actions"][0]
    assert execute["type"] == "Action.Execute" and execute["verb"] == "forward" and execute["style"] == "destructive"
    assert execute["title"] == "예, 도로과로 이관"


def test_sections_replace_the_raw_text_and_errors_are_highlighted():
    reply = Reply(
        "## 제목\n안내\n## 본문\n내용", kind="answer", parts=[Section("제목", "안내"), Section("본문", "내용")]
    )
    assert texts(reply_card(reply)) == ["제목", "안내", "본문", "내용"]
    error = reply_card(Reply("지금은 AI 모델에 연결할 수 없습니다.", kind="error"))
    assert error["body"][0]["type"] == "Container" and error["body"][0]["style"] == "attention"


def test_file_becomes_a_download_button():
    part = FilePart(
        "분류결과.xlsx",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
        b"x" * 5000,
        title="민원 분류 결과",
    )
    card = reply_card(
        Reply("분류했습니다.", parts=[part]),
        file_link=lambda p: f"https://govbot.hanbit.go.kr/api/teams/files/TOKEN-{p.name}",
    )
    assert "📎 **민원 분류 결과**  (분류결과.xlsx, 5 KB)" in texts(card)
    assert card["actions"] == [
        {
            "type": "Action.OpenUrl",
            "title": "파일 받기: 분류결과.xlsx",
            "url": "https://govbot.hanbit.go.kr/api/teams/files/TOKEN-분류결과.xlsx",
        }
    ]


def test_huge_answer_and_table_are_cut_to_fit_and_say_so():
    rows = tuple((f"민원 {i}", "한빛로 " * 20, "도로과") for i in range(2000))
    reply = Reply("가나다라마바사 " * 5000, kind="answer", parts=[Table(("번호", "내용", "부서"), rows)], notice=NOTICE)
    card = reply_card(reply)
    assert card_size(card) <= MAX_CARD_BYTES
    body = texts(card)
    assert any("일부만 표시했습니다" in text for text in body)
    assert NOTICE in body  # the notice survives every cut
    table = next(e for e in card["body"] if e["type"] == "Table")
    assert 1 < len(table["rows"]) < 100


@settings(max_examples=60, deadline=None)
@given(
    text=st.text(min_size=0, max_size=30_000),
    cells=st.lists(st.tuples(st.text(max_size=400), st.text(max_size=400)), max_size=300),
    sources=st.lists(st.text(max_size=200), max_size=20),
)
def test_any_reply_fits_teams_size_limit(text, cells, sources):
    reply = Reply(text, kind="answer", parts=[Table(("가", "나"), tuple(cells))], notice=NOTICE, sources=sources)
    card = reply_card(reply)
    assert card_size(card) <= MAX_CARD_BYTES
    json.dumps(card)  # serialisable as is


def test_markdown_headings_only_are_rewritten():
    assert markdown_for_card("# 제목\n본문 #해시태그\n### 소제목 ###") == "**제목**\n본문 #해시태그\n**소제목**"


def test_plain_text_fallback_carries_the_notice():
    assert plain_text(Reply("답변", notice=NOTICE)) == f"답변\n\n{NOTICE}"


def test_welcome_card_for_a_known_user_and_a_channel():
    summary = DepartmentSummary(
        "김민수",
        "traffic",
        "교통행정과",
        "editor",
        12_345,
        3_000_000,
        (("일반 도우미", "기본 도우미"),),
        ("안내문 다듬어 줘", "세 줄 요약"),
    )
    card = welcome_card("한빛구청", summary)
    body = texts(card)
    assert body[0] == "한빛구청 govbot입니다 👋" and "김민수님" in body[1]
    facts = next(e for e in card["body"] if e["type"] == "FactSet")["facts"]
    assert {"title": "이번 달 사용량(토큰)", "value": "12,345 / 3,000,000"} in facts
    assert [a["data"] for a in card["actions"]] == [
        {"msteams": {"type": "imBack", "value": "안내문 다듬어 줘"}},
        {"msteams": {"type": "imBack", "value": "세 줄 요약"}},
    ]
    channel = welcome_card("한빛구청", None, personal=False)
    assert "@govbot" in " ".join(texts(channel)) and "actions" not in channel
