"""위원회 중복 위촉 점검 on hand-checked member lists in three layouts (title row, sheet per committee, a 위원회
column), with names written with spaces and titles, birth dates in four spellings, and lists without birth dates."""

from __future__ import annotations

from datetime import date

from hypothesis import given, settings
from hypothesis import strategies as st

from assistants.skills.committees import (
    CommitteeArgs,
    CommitteeSettings,
    committee_tool,
    match_people,
    normalise_name,
    read_committee_workbook,
)
from assistants.skills.committees.matching import HONORIFICS, POLITE, affiliations_agree, mask_name
from assistants.skills.committees.reading import Member, parse_birth
from assistants.skills.committees.skill import parse_committee_args
from bot.documents import DocumentLimits
from tests.support.sheets import committee_files, read_back


def lists():
    """The three files of tests/support/sheets.committee_files, read."""
    return [read_committee_workbook(name, data, 1000, DocumentLimits()) for name, data in committee_files()]


def test_hand_checked_duplicates_across_files_and_sheets() -> None:
    """By hand: 12 member rows (3 + 2+2+2 + 3) on 6 committees (도시계획, 건축, 교통, 인사, 청렴, 정보공개심의회).
    홍길동 (1970-01-02 in five lists as "홍길동 위원", "홍 길동"/700102, "홍길동 교수"/1970.1.2, "홍길동"x2; in 인사
    without a birth date but at 서울대학교, as in 도시계획) sits on all 6. 김영수 1965-05-05 (도시계획, 교통 as
    "김영수 박사", 청렴 as 19650505) on 3; 김영수 1972-07-07 (건축) is someone else, on 1. 이민정 on 2 (인사: no
    birth date, "광주시의회 의원" agrees with "광주시의회"). So 4 people; over a limit of 3: 홍길동 only (6);
    over a limit of 2: 홍길동 (6) and 김영수 1965 (3)."""
    books = lists()
    report = committee_tool(CommitteeArgs(), books, CommitteeSettings())
    assert (report.members, report.committees, len(report.people), report.limit) == (12, 6, 4, 3)
    by_person = {(p.key, p.birth): sorted(p.committees) for p in report.people}
    assert by_person == {
        ("홍길동", date(1970, 1, 2)): sorted(
            ["도시계획위원회", "건축위원회", "교통위원회", "인사위원회", "청렴위원회", "정보공개심의회"]
        ),
        ("김영수", date(1965, 5, 5)): sorted(["도시계획위원회", "교통위원회", "청렴위원회"]),
        ("김영수", date(1972, 7, 7)): ["건축위원회"],
        ("이민정", date(1980, 3, 3)): sorted(["도시계획위원회", "인사위원회"]),
    }
    assert [(p.key, len(p.committees), p.evidence, p.uncertain) for p in report.over] == [("홍길동", 6, "birth", False)]
    two = committee_tool(CommitteeArgs(max_per_person=2), books, CommitteeSettings())
    assert [(p.key, len(p.committees)) for p in two.over] == [("홍길동", 6), ("김영수", 3)]
    # The chat masks names and shows no birth date or phone; the file has them all.
    assert "홍*동" in report.text and "홍길동" not in report.text
    assert "1970" not in report.text and "010-1111-2222" not in report.text and "서울대" not in report.text
    over = read_back(report.xlsx, "상한 초과")
    assert [(r["성명"], r["위원회 수"], r["동일인 근거"]) for r in over] == [("홍길동 위원", 6, "생년월일 일치")]
    assert "010-1111-2222" in over[0]["연락처"]
    assert len(read_back(report.xlsx, "전체 명단")) == 12


def test_name_only_matches_are_marked_and_ambiguous_names_left_apart() -> None:
    """박서연 on 2 lists without birth dates or affiliations: joined, 이름만 일치, 확인 필요. A 김영수 without either,
    when two different 김영수 exist (births differ), fits both and is left apart, also marked."""

    def member(committee: str, name: str, birth: date | None = None) -> Member:
        return Member("f.xlsx", "s", 2, committee, name, birth, "", "", "")

    people = match_people(
        [
            member("가위원회", "박서연"),
            member("나위원회", "박 서연 위원"),
            member("가위원회", "김영수", date(1965, 5, 5)),
            member("나위원회", "김영수", date(1972, 7, 7)),
            member("다위원회", "김영수"),
        ]
    )
    park = next(p for p in people if p.key == "박서연")
    assert (len(park.committees), park.evidence, park.uncertain) == (2, "name_only", True)
    kims = [p for p in people if p.key == "김영수"]
    assert sorted(len(p.members) for p in kims) == [1, 1, 1]
    assert [p.uncertain for p in kims if p.birth is None] == [True]
    sure = committee_tool(CommitteeArgs(max_per_person=1, include_uncertain=False), [], CommitteeSettings())
    assert sure.over == []


def test_birth_dates_in_every_spelling() -> None:
    for value in ("1970-01-02", "1970.1.2", "1970년 1월 2일", "19700102", "700102", "700102-1******", "70.01.02"):
        assert parse_birth(value) == date(1970, 1, 2), value
    assert parse_birth(date(1970, 1, 2)) == date(1970, 1, 2)
    assert parse_birth(25570) == date(1970, 1, 2)  # an Excel serial whose cell lost its date format
    assert parse_birth("020304-3******") == date(2002, 3, 4)
    assert parse_birth("미상") is None


def test_affiliations_agree_when_one_names_the_other() -> None:
    assert affiliations_agree("서울대", "서울대학교 행정학과")
    assert affiliations_agree("(주)한빛건설", "한빛건설 주식회사")
    assert not affiliations_agree("부산대학교", "서울대학교")
    assert not affiliations_agree("", "서울대학교")


def test_compound_titles() -> None:
    assert normalise_name("강강 명예교수님") == "강강" and normalise_name("홍길동 부교수님") == "홍길동"
    assert normalise_name("위원장 이민정") == "이민정" and normalise_name("김교수님") == "김교수"
    assert normalise_name("강강조 교수님") == "강강조" and normalise_name("홍길동위원") == "홍길동"


def test_masking() -> None:
    assert [mask_name(n) for n in ("홍길동", "남궁민수", "홍길", "김")] == ["홍*동", "남**수", "홍*", "*"]


def test_command_words() -> None:
    assert parse_committee_args("한도 2 확실한 것만") == CommitteeArgs(max_per_person=2, include_uncertain=False)
    assert parse_committee_args("") == CommitteeArgs()


NAME_SYLLABLES = "김이박최정강조윤장임한오서신권황안송류홍민수영희지현서연준호철동길혜진"
SPLITTABLE = [t for t in HONORIFICS if t not in POLITE]


@settings(max_examples=500, deadline=None)
@given(
    name=st.text(alphabet=NAME_SYLLABLES, min_size=2, max_size=4),
    suffix=st.lists(st.sampled_from(HONORIFICS), max_size=2),
    prefix=st.sampled_from(["", *SPLITTABLE]),
    spaces=st.lists(st.integers(0, 8), max_size=3),
)
def test_names_match_through_spacing_and_titles(name: str, suffix: list[str], prefix: str, spaces: list[int]) -> None:
    """Whatever titles (written apart from the name) and spaces are around or inside a name, it normalises to the
    bare name. Written together, "강강조교수님" is truly ambiguous (강강조 교수 or 강강 조교수); see test_compound_titles."""
    written = name
    for position in spaces:
        cut = min(position, len(written))
        written = written[:cut] + " " + written[cut:]
    written = " ".join(x for x in (prefix, written, *suffix) if x)
    assert normalise_name(written) == name


def test_a_bar_in_a_committee_name_does_not_break_the_reply_table() -> None:
    from assistants.skills.committees import CommitteeBook

    members = [
        Member("f.xlsx", "s", 2, f"도시|계획 {i}위원회", "홍길동", date(1970, 1, 2), "", "", "") for i in range(2)
    ]
    report = committee_tool(CommitteeArgs(max_per_person=1), [CommitteeBook("f.xlsx", members)], CommitteeSettings())
    row = next(line for line in report.text.splitlines() if line.startswith("| 홍*동"))
    assert row.count("|") == 5 and "도시/계획 0위원회, 도시/계획 1위원회" in row
