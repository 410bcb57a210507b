"""Who is the same person across committee lists. Names alone are not enough (동명이인 are common), so members
with the same name are one person when their birth dates agree, or, where a list has no birth dates, when their
affiliations agree ("서울대" and "서울대학교 행정학과" agree). Members whose lists give neither are joined to the one
person their name could be and marked 확인 필요; a name that could be several people is left apart, also marked."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date
from typing import Literal

from assistants.skills.committees.reading import Member

# Titles written after (or before) a name in member lists; the longest first, so 부위원장 goes before 위원장.
HONORIFICS = tuple(
    sorted(
        (
            "부위원장",
            "위원장",
            "위원",
            "교수님",
            "명예교수",
            "겸임교수",
            "부교수",
            "조교수",
            "교수",
            "박사",
            "선생님",
            "선생",
            "변호사",
            "회계사",
            "세무사",
            "노무사",
            "변리사",
            "건축사",
            "기술사",
            "감정평가사",
            "의원",
            "원장",
            "소장",
            "대표",
            "이사장",
            "이사",
            "회장",
            "센터장",
            "국장",
            "과장",
            "팀장",
            "님",
            "씨",
            "귀하",
        ),
        key=len,
        reverse=True,
    )
)
POLITE = ("님", "씨", "귀하")
_BRACKETS = re.compile(r"\([^)]*\)|\[[^]]*\]|（[^）]*）")
_NOT_NAME = re.compile(r"[^0-9A-Za-z가-힣]")
_CORPORATE = re.compile(r"\(주\)|㈜|주식회사|\(재\)|재단법인|\(사\)|사단법인|\(유\)|유한회사")

Evidence = Literal["birth", "affiliation", "name_only"]


def normalise_name(name: str) -> str:
    """The name without spaces, brackets, punctuation or titles: "홍 길동 위원" -> "홍길동", "김교수님" stays "김교수"
    only when stripping would leave one syllable (a surname alone is not a name)."""
    tokens = [_NOT_NAME.sub("", token).casefold() for token in _BRACKETS.sub(" ", name).split()]
    tokens = [token for token in tokens if token]
    # A title written apart ("강강조 교수님") is dropped as a word first, so its syllables never eat into the name.
    while len(tokens) > 1 and _is_title(tokens[-1]):
        tokens.pop()
    while len(tokens) > 1 and _is_title(tokens[0]):
        tokens.pop(0)
    text = "".join(tokens)
    changed = True
    while changed:
        changed = False
        # 님/씨 first: "명예교수님" is 명예교수 + 님, not 명예 + 교수님 (which would leave "명예" on the name).
        for title in (*POLITE, *HONORIFICS):
            if text.endswith(title) and len(text) - len(title) >= 2:
                text, changed = text[: -len(title)], True
                break
            if text.startswith(title) and len(text) - len(title) >= 2 and title not in POLITE:
                text, changed = text[len(title) :], True
                break
    return text


def _is_title(token: str) -> bool:
    for polite in POLITE:
        if token.endswith(polite) and len(token) > len(polite):
            token = token[: -len(polite)]
            break
    return token in HONORIFICS or token in POLITE


def normalise_affiliation(text: str) -> str:
    return _NOT_NAME.sub("", _CORPORATE.sub("", _BRACKETS.sub("", text))).casefold()


def affiliations_agree(a: str, b: str) -> bool:
    """The same organisation written two ways: equal, or one names the other ("서울대" in "서울대학교")."""
    x, y = normalise_affiliation(a), normalise_affiliation(b)
    if not x or not y:
        return False
    short, long = sorted((x, y), key=len)
    return short == long or (len(short) >= 2 and short in long)


@dataclass(slots=True)
class Person:
    key: str  # the normalised name
    members: list[Member] = field(default_factory=list)
    evidence: Evidence = "name_only"
    uncertain: bool = False  # joined on the name alone, or a name that could be several people

    @property
    def committees(self) -> list[str]:
        """Distinct committees (spacing ignored), in the order first listed."""
        seen: dict[str, str] = {}
        for member in self.members:
            seen.setdefault(re.sub(r"\s", "", member.committee), member.committee)
        return list(seen.values())

    @property
    def birth(self) -> date | None:
        return next((m.birth for m in self.members if m.birth), None)


def _relation(a: Member, b: Member) -> Literal["same", "different", "unknown"]:
    if a.birth and b.birth:
        return "same" if a.birth == b.birth else "different"
    if a.affiliation and b.affiliation:
        return "same" if affiliations_agree(a.affiliation, b.affiliation) else "different"
    return "unknown"


def _split(key: str, members: Sequence[Member]) -> list[Person]:
    """The people among members of one name: joined on agreeing evidence, then unknowns placed where only one fits."""
    parent = list(range(len(members)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    evidence: dict[int, set[Evidence]] = defaultdict(set)
    for i in range(len(members)):
        for j in range(i + 1, len(members)):
            if _relation(members[i], members[j]) == "same":
                kind: Evidence = "birth" if members[i].birth and members[j].birth else "affiliation"
                a, b = root(i), root(j)
                parent[b] = a
                evidence[a] |= evidence.pop(b, set()) | {kind}
    groups: dict[int, list[int]] = defaultdict(list)
    for i in range(len(members)):
        groups[root(i)].append(i)
    components = sorted(groups.items(), key=lambda item: (-len(item[1]), item[1][0]))
    people: list[tuple[Person, list[int]]] = []
    for rep, indexes in components:
        fits = [
            (person, placed)
            for person, placed in people
            if all(_relation(members[i], members[j]) != "different" for i in indexes for j in placed)
        ]
        if len(fits) == 1:
            person, placed = fits[0]
            person.members += [members[i] for i in indexes]
            placed += indexes
            person.uncertain = True
            continue
        kinds = evidence.get(rep, set())
        found: Evidence = "birth" if "birth" in kinds else "affiliation" if kinds else "name_only"
        person = Person(key, [members[i] for i in indexes], found, uncertain=len(fits) > 1)
        people.append((person, list(indexes)))
    for person, _placed in people:
        if person.evidence == "name_only" and len(person.members) > 1:
            person.uncertain = True
    return [person for person, _placed in people]


def match_people(members: Sequence[Member]) -> list[Person]:
    """Every person in the lists, each with the member rows that are them, in the order first listed."""
    by_name: dict[str, list[Member]] = defaultdict(list)
    for member in members:
        key = normalise_name(member.name)
        if key:
            by_name[key].append(member)
    return [person for key, group in by_name.items() for person in _split(key, group)]


def mask_name(name: str) -> str:
    """ "홍길동" -> "홍*동", "남궁민수" -> "남**수", "홍길" -> "홍*": enough to recognise in one's own list."""
    if len(name) <= 1:
        return "*"
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]
