"""Department assistants made by prompt, the way officials make them: through the web chat, with a
fake OpenAI-compatible upstream that records what a model would receive."""

from __future__ import annotations

from datetime import UTC, datetime

from tests.integration.webchat import send

NAME = "주차 민원 답변"
EXAMPLE_Q = "불법주차 신고했는데 왜 단속을 안 하나요?"
EXAMPLE_A = "불편을 드려 죄송합니다. 신고하신 위치는 오늘 오후 단속반이 현장을 확인할 예정입니다."
DRAFT = "당신은 한빛구청 교통행정과의 불법주정차 민원 회신 도우미입니다. 정중하고 간결한 공문서 문체로 답합니다."


def system_of(request: dict) -> str:
    return request["messages"][0]["content"]


async def create_by_dialogue(url: str, fake_openai, user: str = "kim.minsu", thread: str = "make") -> list:
    replies = []
    for text in (
        "/assistant new",
        NAME,
        "불법주정차 민원에 보낼 회신문 초안을 관련 법령을 들어 정중하게 써 줍니다.",
        f"질문: {EXAMPLE_Q}\n답변: {EXAMPLE_A}",
    ):
        replies.append(await send(url, text, user=user, thread=thread))
    fake_openai.reply_with(f"```\n{DRAFT}\n```")
    replies.append(await send(url, "1", user=user, thread=thread))
    replies.append(await send(url, "저장", user=user, thread=thread))
    return replies


async def test_guided_dialogue_drafts_the_prompt_through_the_gateway_and_creates_version_1(start_govbot, fake_openai):
    async with start_govbot() as gb:
        replies = await create_by_dialogue(gb.url, fake_openai)
        assert (
            "1/4" in replies[0].text
            and "2/4" in replies[1].text
            and "3/4" in replies[2].text
            and "4/4" in replies[3].text
        )
        meta = fake_openai.requests[-1]
        assert "시스템 프롬프트" in system_of(meta)
        assert "교통행정과" in meta["messages"][1]["content"] and NAME in meta["messages"][1]["content"]
        assert DRAFT in replies[4].text and replies[4].reply["notice"]
        assert "버전 1" in replies[5].text
        [(state, spec)] = await gb.runtime.store.assistants.latest("traffic")
        assert spec.system_prompt == DRAFT and spec.description.startswith("불법주정차") and spec.owner == "kim.minsu"
        assert state.published_version is None and spec.visibility == "department"
        usage = await gb.runtime.store.usage.totals("traffic", datetime(2000, 1, 1, tzinfo=UTC))
        assert usage.requests == 1  # the meta-prompt call was billed to the creator's department

        listing = await send(gb.url, "/assistant list")
        table = next(p for p in listing.reply["parts"] if p["type"] == "table")
        assert table["rows"][0][0] == NAME and table["rows"][0][4] == "게시 전"
        # Not published yet: a colleague cannot use it.
        colleague = await send(gb.url, f"/use {NAME}", user="lee.seoyeon")
        assert colleague.reply["kind"] == "error"


async def test_published_assistant_sends_prompt_examples_and_template_and_versions_roll_back(start_govbot, fake_openai):
    async with start_govbot() as gb:
        await create_by_dialogue(gb.url, fake_openai)
        published = await send(gb.url, f"/assistant publish {NAME}")
        assert "게시" in published.text and "버전 1" in published.text

        used = await send(gb.url, f"/use {NAME}", user="lee.seoyeon", thread="use")
        assert used.reply["kind"] != "error"
        await send(gb.url, "킥보드 방치 민원 회신문을 써 줘", user="lee.seoyeon", thread="use")
        request = fake_openai.requests[-1]
        assert DRAFT in system_of(request)
        assert request["messages"][1] == {"role": "user", "content": EXAMPLE_Q}
        assert request["messages"][2] == {"role": "assistant", "content": EXAMPLE_A}

        edited = await send(
            gb.url, f"/assistant edit {NAME}\ntemplate: [요지, 답변, 관련 법령]\nstyle_guide: 문장은 짧게 씁니다."
        )
        assert "버전 2" in edited.text and "버전 1" in edited.text  # saved as a draft; colleagues keep version 1
        await send(gb.url, "다시 써 줘", user="lee.seoyeon", thread="use")
        assert "## 요지" not in system_of(fake_openai.requests[-1])

        trial_text = "## 요지\n방치 킥보드 수거\n## 답변\n수거하겠습니다.\n## 관련 법령\n도로교통법"
        fake_openai.reply_with(trial_text)
        trial = await send(gb.url, f"/assistant try {NAME} 킥보드 방치 민원 회신문")
        assert "버전 2" in trial.text
        assert "## 요지" in system_of(fake_openai.requests[-1]) and "문장은 짧게" in system_of(fake_openai.requests[-1])
        assert [p["heading"] for p in trial.reply["parts"] if p["type"] == "section"] == ["요지", "답변", "관련 법령"]

        await send(gb.url, f"/assistant publish {NAME}")
        fake_openai.reply_with(trial_text)
        answer = await send(gb.url, f"@{NAME} 주차장 부족 민원 회신문", user="lee.seoyeon", thread="use2")
        assert "## 요지" in system_of(fake_openai.requests[-1])
        assert answer.reply["assistant"] == NAME and answer.reply["notice"]

        rolled = await send(gb.url, f"/assistant rollback {NAME} 1")
        assert "버전 1" in rolled.text and "버전 3" in rolled.text
        await send(gb.url, "한 번 더", user="lee.seoyeon", thread="use")
        system = system_of(fake_openai.requests[-1])
        assert DRAFT in system and "## 요지" not in system and "문장은 짧게" not in system
        conversation = await gb.runtime.store.conversations.get("web:lee.seoyeon:use")
        assert conversation is not None and conversation.assistant_version == 3  # conversations record the version used

        history = await send(gb.url, f"/assistant history {NAME}")
        rows = next(p for p in history.reply["parts"] if p["type"] == "table")["rows"]
        assert [r[0] for r in rows] == ["1", "2", "3"]
        assert "게시 중" in rows[2][4] and "되돌림" in rows[2][3]


async def test_another_departments_private_assistant_cannot_be_seen_or_changed(start_govbot, fake_openai):
    async with start_govbot() as gb:
        pr_name = "보도 일정 정리"
        created = await send(
            gb.url, f"/assistant create {pr_name}\n당신은 홍보담당관의 보도 일정 정리 도우미입니다.", user="jung.eunji"
        )
        assert "버전 1" in created.text
        await send(gb.url, f"/assistant publish {pr_name}", user="jung.eunji")

        listing = await send(gb.url, "/assistants", user="kim.minsu")
        assert pr_name not in listing.shown and "일반 도우미" in listing.shown
        for attempt in (
            f"/use {pr_name}",
            f"@{pr_name} 일정 알려줘",
            f"/assistant show {pr_name}",
            f"/assistant edit {pr_name}\n바꾼 프롬프트",
            f"/assistant try {pr_name} 질문",
            f"/assistant delete {pr_name}",
            f"/assistant rollback {pr_name} 1",
            f"/assistant history {pr_name}",
            f"/assistant share {pr_name} 전체",
        ):
            result = await send(gb.url, attempt, user="kim.minsu", thread="probe")
            assert "홍보담당관의 보도 일정" not in result.text, attempt
            if attempt.startswith("/"):
                assert result.reply["kind"] == "error", attempt
        assert not any("홍보담당관의 보도 일정" in system_of(r) for r in fake_openai.requests)
        history = await send(gb.url, f"/assistant history {pr_name}", user="jung.eunji")
        assert len(next(p for p in history.reply["parts"] if p["type"] == "table")["rows"]) == 1

        # An editor may not widen sharing; the department's admin may, and then others can use it (not change it).
        denied = await send(gb.url, f"/assistant share {pr_name} 전체", user="jung.eunji")
        assert denied.reply["kind"] == "error" and "관리자" in denied.text
        shared = await send(gb.url, f"/assistant share {pr_name} 교통행정과", user="choi.hyunwoo")
        assert "교통행정과" in shared.text
        assert pr_name in (await send(gb.url, "/assistants", user="kim.minsu")).shown
        still_denied = await send(gb.url, f"/assistant edit {pr_name}\n바꾼 프롬프트", user="kim.minsu")
        assert still_denied.reply["kind"] == "error"
        assert pr_name not in (await send(gb.url, "/assistants", user="oh.jaehyun")).shown  # 도로과 was not included


async def test_members_cannot_create_until_an_admin_grants_the_editor_role(start_govbot):
    async with start_govbot() as gb:
        refused = await send(gb.url, "/assistant create 민원 요약\n당신은 민원 요약 도우미입니다.", user="lee.seoyeon")
        assert refused.reply["kind"] == "error" and "편집자" in refused.text
        assert (await send(gb.url, "/role lee.seoyeon editor", user="kim.minsu")).reply[
            "kind"
        ] == "error"  # editors cannot grant
        granted = await send(gb.url, "/role lee.seoyeon editor", user="park.jiyoung")
        assert "editor" in granted.text
        listing = await send(gb.url, "/role list", user="park.jiyoung")
        rows = next(p for p in listing.reply["parts"] if p["type"] == "table")["rows"]
        assert ["lee.seoyeon", "member", "app.yaml"] in rows and ["lee.seoyeon", "editor", "park.jiyoung"] in rows
        created = await send(gb.url, "/assistant create 민원 요약\n당신은 민원 요약 도우미입니다.", user="lee.seoyeon")
        assert "버전 1" in created.text


async def test_prompts_with_personal_information_or_prohibited_words_are_refused_and_nothing_is_kept(
    start_govbot, fake_openai
):
    async with start_govbot() as gb:
        rrn = "900101-1234568"
        refused = await send(
            gb.url, f"/assistant create 민원 회신\n민원인 주민등록번호 {rrn}를 참고해 회신문을 씁니다."
        )
        assert refused.reply["kind"] == "error" and "주민등록번호" in refused.text and rrn not in refused.text
        words = await send(gb.url, "/assistant create 민원 회신\n시 발 같은 민원에는 단호하게 답합니다.")
        assert words.reply["kind"] == "error" and "금칙어" in words.text
        assert "아직 없습니다" in (await send(gb.url, "/assistant list")).text

        # In the guided dialogue the answer is refused at its step and the dialogue waits for another.
        await send(gb.url, "/assistant new", thread="d")
        await send(gb.url, "주차 안내", thread="d")
        step = await send(gb.url, "담당 010-2345-6789로 연락하라고 안내합니다.", thread="d")
        assert step.reply["kind"] == "error" and "전화번호" in step.text
        async with gb.runtime.store.sessions() as session:
            from sqlalchemy import text

            rows = (await session.execute(text("SELECT data FROM authoring_dialogues"))).scalars().all()
            versions = (await session.execute(text("SELECT spec FROM assistant_versions"))).scalars().all()
        assert rows and all("010-2345-6789" not in r for r in rows) and versions == []
        assert fake_openai.requests == []
        cancelled = await send(gb.url, "취소", thread="d")
        assert "저장하지 않았습니다" in cancelled.text


async def test_offline_dialogue_asks_for_the_prompt_and_names_are_checked(start_govbot):
    async with start_govbot(offline=True) as gb:
        for text in ("/assistant new", "AI 대변인"):
            last = await send(gb.url, text, thread="o")
        assert last.reply["kind"] == "error" and "공식 도우미" in last.text
        for text in ("현수막 안내", "불법 현수막 민원 답변을 돕습니다.", "건너뛰기", "2"):
            last = await send(gb.url, text, user="kim.minsu", thread="o")
        assert "직접" in last.text
        done = await send(gb.url, "당신은 불법 현수막 민원 답변을 돕는 도우미입니다.", thread="o")
        assert (
            "버전 1" in done.text and "관리자" in done.text
        )  # an editor asked for the whole office: kept in the department
        clash = await send(gb.url, "/assistant create 현수막 안내\n다른 프롬프트")
        assert clash.reply["kind"] == "error" and "이미" in clash.text


async def test_delete_is_soft_and_restore_brings_the_assistant_back(start_govbot, fake_openai):
    async with start_govbot() as gb:
        await send(gb.url, "/assistant create 킥보드 안내\n당신은 전동킥보드 민원 안내 도우미입니다.")
        await send(gb.url, "/assistant publish 킥보드 안내")
        assert "킥보드 안내" in (await send(gb.url, "/assistants", user="lee.seoyeon")).shown
        deleted = await send(gb.url, "/assistant delete 킥보드 안내")
        assert "restore" in deleted.text
        assert "킥보드 안내" not in (await send(gb.url, "/assistants", user="lee.seoyeon")).shown
        history = await send(gb.url, "/assistant history 킥보드 안내")
        assert history.reply["kind"] != "error"
        await send(gb.url, "/assistant restore 킥보드 안내")
        assert "킥보드 안내" in (await send(gb.url, "/assistants", user="lee.seoyeon")).shown
