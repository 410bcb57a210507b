"""The 위원회 중복 위촉 점검 tool: (arguments, parsed member lists) -> a masked Markdown reply and an XLSX file.

Many ordinances cap how many of the office's committees one person may sit on ("한 사람이 … 3개를 초과하여
위촉될 수 없다"); the cap is app.yaml `committees.max_per_person` and can be given per request. The reply shows
masked names and committee names only; names, birth dates, affiliations and phone numbers are in the XLSX, which
only the official who asked can download."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pydantic import BaseModel, ConfigDict, Field

from assistants.skills.committees.matching import Person, mask_name, match_people
from assistants.skills.committees.reading import CommitteeBook
from assistants.skills.sheets.xlsx import table_cell, xlsx_bytes
from bot.i18n import t

TOOL_NAME = "committee_check"
TOOL_DESCRIPTION = (
    "첨부한 위원회 위원 명단(XLSX, 여러 파일·시트)에서 조례 상한보다 많은 위원회에 위촉된 사람을 찾습니다. "
    "Finds people appointed to more committees than the ordinance allows across the attached member lists "
    "(same person: name ignoring spacing and titles, plus birth date or affiliation). Fill only what was said."
)
EVIDENCE_KO = {"birth": "생년월일 일치", "affiliation": "소속 일치", "name_only": "이름만 일치"}


class CommitteeSettings(BaseModel):
    """app.yaml `committees:`."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    max_per_person: int = Field(3, ge=1, le=100, description="한 사람이 위촉될 수 있는 위원회 수(조례의 상한)")
    max_rows: int = Field(50_000, ge=1, le=1_000_000, description="한 파일에서 읽는 최대 행 수")


class CommitteeArgs(BaseModel):
    """What a model or `/위원회 점검` fills in; without a limit the office's ordinance limit applies."""

    model_config = ConfigDict(extra="forbid")

    max_per_person: int | None = Field(None, ge=1, le=100, description="한 사람당 위원회 수 상한, 없으면 기관 설정값")
    include_uncertain: bool = Field(True, description="이름만 같은 경우(확인 필요)도 목록에 포함")


@dataclass(slots=True)
class CommitteeReport:
    text: str
    xlsx: bytes
    file_name: str
    people: list[Person]
    over: list[Person]  # more committees than the limit, most first
    limit: int
    committees: int
    members: int


def check_committees(
    args: CommitteeArgs, books: Sequence[CommitteeBook], settings: CommitteeSettings
) -> CommitteeReport:
    limit = args.max_per_person or settings.max_per_person
    members = [m for book in books for m in book.members]
    people = match_people(members)
    over = [p for p in people if len(p.committees) > limit and (args.include_uncertain or not p.uncertain)]
    over.sort(key=lambda p: (-len(p.committees), p.key))
    committees = {c.replace(" ", "") for m in members for c in (m.committee,)}
    report = CommitteeReport("", b"", "위원회_중복위촉_점검.xlsx", people, over, limit, len(committees), len(members))
    report.xlsx = committee_xlsx(report, books)
    return report


def committee_markdown(report: CommitteeReport, books: Sequence[CommitteeBook], locale: str) -> str:
    lines = [
        t(
            "committees_summary",
            locale,
            files=len(books),
            committees=report.committees,
            members=report.members,
            people=len(report.people),
            limit=report.limit,
            over=len(report.over),
        )
    ]
    unread = [f"{b.file}:{s}" for b in books for s in b.unread_sheets]
    if unread:
        lines.append(t("committees_unread_sheets", locale, sheets=", ".join(unread[:10])))
    if report.over:
        lines += ["", t("committees_over_header", locale), "|---|---:|---|---|"]
        for person in report.over[:50]:
            name = mask_name(person.members[0].name if len(person.key) < 2 else person.key)
            evidence = _evidence(person, locale) + (
                " · " + t("committees_uncertain", locale) if person.uncertain else ""
            )
            committees = table_cell(", ".join(person.committees))
            lines.append(f"| {name} | {len(person.committees)} | {committees} | {evidence} |")
        if len(report.over) > 50:
            lines.append(t("committees_more", locale, count=len(report.over) - 50))
    else:
        lines += ["", t("committees_none_over", locale, limit=report.limit)]
    lines += ["", t("committees_file_note", locale)]
    return "\n".join(lines)


def _evidence(person: Person, locale: str) -> str:
    if person.evidence == "birth":
        return t("committees_evidence_birth", locale)
    if person.evidence == "affiliation":
        return t("committees_evidence_affiliation", locale)
    return t("committees_evidence_name_only", locale)


def committee_xlsx(report: CommitteeReport, books: Sequence[CommitteeBook]) -> bytes:
    numbers = {id(p): n for n, p in enumerate(report.people, start=1)}

    def person_row(p: Person) -> tuple[object, ...]:
        first = p.members[0]
        affiliations = list(dict.fromkeys(m.affiliation for m in p.members if m.affiliation))
        phones = list(dict.fromkeys(m.phone for m in p.members if m.phone))
        return (
            numbers[id(p)],
            first.name,
            p.birth,
            ", ".join(affiliations),
            ", ".join(phones),
            len(p.committees),
            ", ".join(p.committees),
            EVIDENCE_KO[p.evidence],
            "확인 필요" if p.uncertain else "",
        )

    person_header = ("번호", "성명", "생년월일", "소속", "연락처", "위원회 수", "위원회", "동일인 근거", "비고")
    member_rows = [
        (numbers[id(p)], m.file, m.sheet, m.row, m.committee, m.name, m.birth, m.affiliation, m.position, m.phone)
        for p in report.people
        for m in p.members
    ]
    member_rows.sort(key=lambda row: (str(row[1]), str(row[2]), int(row[3])))
    return xlsx_bytes(
        [
            ("상한 초과", person_header, [person_row(p) for p in report.over]),
            ("동일인 목록", person_header, [person_row(p) for p in report.people if len(p.members) > 1]),
            (
                "전체 명단",
                ("번호", "파일", "시트", "행", "위원회", "성명", "생년월일", "소속", "직위", "연락처"),
                member_rows,
            ),
            (
                "안내",
                ("항목", "값"),
                [
                    ("위원회 수 상한", report.limit),
                    ("읽은 위원 행", report.members),
                    ("위원회", report.committees),
                    ("상한 초과 인원", len(report.over)),
                    ("동일인 판단", "이름(띄어쓰기·호칭 무시) + 생년월일 일치, 생년월일이 없으면 소속 일치"),
                    ("읽지 못한 시트", ", ".join(f"{b.file}:{s}" for b in books for s in b.unread_sheets)),
                ],
            ),
        ]
    )


def committee_tool(
    args: CommitteeArgs, books: Sequence[CommitteeBook], settings: CommitteeSettings, locale: str = "ko"
) -> CommitteeReport:
    """The whole tool: match, count, and the masked chat text. What a model's tool call or `/위원회 점검` runs."""
    report = check_committees(args, books, settings)
    report.text = committee_markdown(report, books, locale)
    return report
