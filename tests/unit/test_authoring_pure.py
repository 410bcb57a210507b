"""Pure pieces of assistant authoring: naming with spaces, the meta-prompt and its parsing, the content policy."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from assistants.naming import first_name, name_prefix_end, split_named
from assistants.spec import AssistantSpec
from bot.authoring.meta_prompt import clean_draft, draft_messages, parse_example
from bot.authoring.policy import ContentPolicy, spec_texts
from tests.conftest import offline_config


def spec(name: str, aliases: list[str] | None = None, id_: str = "x") -> AssistantSpec:
    return AssistantSpec(id=id_, name=name, aliases=aliases or [], system_prompt="p")


def test_longest_name_wins_and_the_rest_is_the_question():
    short, long = spec("주차", id_="a"), spec("주차 민원 답변", id_="b")
    found = split_named("주차 민원 답변 킥보드 회신문 써줘", [(short, short), (long, long)])
    assert found is not None and found[0] is long and found[2] == "킥보드 회신문 써줘"
    found = split_named("주차 요금 문의", [(short, short), (long, long)])
    assert found is not None and found[0] is short and found[2] == "요금 문의"


def test_names_match_regardless_of_spacing_and_case_but_only_at_a_word_boundary():
    assert name_prefix_end("주차민원답변 질문", "주차 민원 답변") == len("주차민원답변")
    assert name_prefix_end("AI대변인 보도자료", "ai 대변인") == len("AI대변인")
    assert name_prefix_end("주차장 문의", "주차") is None
    assert name_prefix_end("", "주차") is None


def test_quoted_names_and_first_names():
    target = spec("주차 안내")
    found = split_named('"주차 안내" 질문', [(target, target)])
    assert found is not None and found[2] == "질문"
    assert first_name("민원 요약\n당신은 요약 도우미입니다.") == ("민원 요약", "당신은 요약 도우미입니다.")
    assert first_name('"민원 요약 도우미" 당신은') == ("민원 요약 도우미", "당신은")
    assert first_name("요약 당신은") == ("요약", "당신은")


words = st.text(alphabet="가나다라마바사아자차카타파하abc", min_size=1, max_size=6)


@given(st.lists(words, min_size=1, max_size=3), st.text(alphabet="가나다 ?!", max_size=20))
def test_a_name_followed_by_a_question_is_always_found(parts, question):
    name = " ".join(parts)
    target = spec(name)
    found = split_named(f"{name} {question}", [(target, target)])
    assert found is not None and found[2] == question.strip()


@given(st.text(max_size=60), st.text(min_size=1, max_size=20))
def test_name_prefix_end_never_points_past_the_text(text, name):
    end = name_prefix_end(text, name)
    assert end is None or 0 < end <= len(text)


def test_meta_prompt_carries_the_answers_and_drafts_are_cleaned():
    messages = draft_messages(
        name="주차 민원 답변",
        purpose="회신문 초안",
        example="",
        audience="우리 부서",
        department="교통행정과",
        organisation="한빛구청",
        locale="ko",
    )
    assert messages[0].role == "system" and "시스템 프롬프트" in messages[0].content
    assert (
        "교통행정과" in messages[1].content and "(없음)" in messages[1].content and "이름:" not in messages[1].content
    )
    assert clean_draft("```\n당신은 도우미입니다.\n```") == "당신은 도우미입니다."
    assert clean_draft("프롬프트: 당신은 도우미입니다.") == "당신은 도우미입니다."
    assert clean_draft("당신은 도우미입니다.") == "당신은 도우미입니다."


def test_example_pairs_are_parsed_from_question_and_answer_lines():
    example = parse_example("질문: 단속은 언제 하나요?\n답변: 평일 오후에 합니다.\n추가 안내드립니다.")
    assert (
        example is not None
        and example.question == "단속은 언제 하나요?"
        and example.answer.endswith("추가 안내드립니다.")
    )
    assert parse_example("Q: when?\nA: now") is not None
    assert parse_example("그냥 정중하게 답하면 됩니다.") is None


def test_content_policy_counts_pii_the_office_does_not_allow_and_prohibited_words():
    policy = ContentPolicy(offline_config())
    assert policy.problems("traffic", ["연락처 010-2345-6789로 안내"]) == (["phone"], False)
    assert policy.problems("traffic", ["사업자등록번호 220-81-62517 안내"]) == ([], False)  # brn: allow in app.yaml
    assert policy.problems("traffic", ["ㅅㅂ 같은 말은 쓰지 않습니다"])[1] is True
    assert policy.problems("traffic", ["시발점부터 설명합니다"]) == ([], False)
    refusal = policy.refusal("traffic", ["900101-1234568"], "en")
    assert refusal is not None and "resident registration number" in refusal and "900101" not in refusal


def test_every_text_of_a_spec_is_checked():
    full = AssistantSpec.model_validate(
        {
            "id": "x",
            "name": "n",
            "system_prompt": "p",
            "description": "d",
            "style_guide": "s",
            "starters": ["st"],
            "examples": [{"question": "q", "answer": "a"}],
            "template": [{"heading": "h", "guidance": "g"}],
            "aliases": ["al"],
        }
    )
    assert set(spec_texts(full)) >= {"n", "p", "d", "s", "st", "q", "a", "h", "g", "al"}


@given(name=st.text(st.characters(blacklist_characters="\n\r", blacklist_categories=("Cs",)), min_size=1, max_size=20))
def test_every_fact_of_the_meta_prompt_is_on_its_own_line(name):
    # Found by a new user: a missing comma glued "도우미 명칭: …하는 일: …" into one line.
    messages = draft_messages(
        name=name,
        purpose="불법 주정차 민원에 회신문 초안을 씁니다",
        example="",
        audience="교통행정과 주무관",
        department="교통행정과",
        organisation="한빛구청",
        locale="ko",
    )
    lines = messages[1].content.split("\n")
    assert [line.split(":")[0] for line in lines] == [
        "기관",
        "부서",
        "도우미 명칭",
        "하는 일",
        "사용 대상",
        "좋은 답변의 예",
    ]
    assert lines[2] == f"도우미 명칭: {name}"
