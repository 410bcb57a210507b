"""What a complaint asks for, read sentence by sentence: a problem to fix, or a question, thanks, an opinion or a
vague grumble. The rubric ranks the latter 낮음 (information or a reply answers them) and an ordinary problem
보통, so the level of a complaint without danger signals comes from this reading, not from a score near zero.
Pure functions."""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass

from assistants.skills.complaints.cleaning import clean

_SENTENCE = re.compile(r"(?<=[.!?。])\s+|\n+|(?<=[요다죠])\s+(?=[가-힣A-Za-z0-9])")
QUESTION = re.compile(
    r"\?|[나까]요\s*$|[나까]요[.!\s]|[인는은던]가요|습니까|는지요|을까요|ㄹ까요|여쭤|여쭙|문의|궁금|알려\s?주|알고\s?싶|어떻게\s?(?:하|신청|되)"
)
PRAISE = re.compile(
    r"칭찬|감사\s?인사|덕분에|(?:주셔서|주신|해\s?주셔서)\s?(?:정말\s?)?(?:감사|고맙)|좋아졌|깨끗해졌|편해졌|예뻤|예뻐|잘\s?하셨|친절하"
    r"|thank",
    re.IGNORECASE,
)
OPINION = re.compile(
    r"의견|건의|제안|좋겠|좋을\s?것|어떨까|어떠|검토해|했으면|생각합니다|생각해요|아닐까|않을까|필요가\s?있지|바람직"
)
# A defect, a nuisance or a wrong that someone has to act on, or a request to act.
PROBLEM = re.compile(
    r"고장|파손|깨[져졌지진]|부서|망가|방치|불법|무단|넘쳐|악취|냄새|소음|시끄|막[고혀아히]|가로막|안\s?(?:돼|되|가져|켜|열|나와|와요|옵니다|치워)"
    r"|못\s?(?:하|들어|지나|열|자|빼|내리|가|쓰|다니|건너|걷)|쌓여|쌓아|더러|오류|틀리게|잘못\s?(?:입력|부과|발급|나와)|누락|빠졌|솟아|패여|패인|구멍"
    r"|흘려|흘러|떨어져|꺼져|깜빡|짖|울려|줄었|탈락|새요|샙니다|벌레|쥐가|구더기|피워|세워|단속\s?(?:해|좀|요청|부탁|나와)|치워\s?주|수거해|고쳐|수리|교체|정비"
    r"|조치|처리해|철거|점검|정정|조사해|확인해\s?주|나와\s?주"
)
_PLACE = re.compile(
    r"\d|[가-힣]{1,10}(?:대로|로|길|동|역|공원|아파트|단지|시장|학교|초|중|정류장|주민센터|사거리|골목|상가|센터|천|교)\b"
)


# Everyday words of a nuisance that has to stop: not a defect, but still a problem to fix.
NUISANCE = re.compile(
    r"너무\s?(?:많|밝|시끄|더럽|심|커|크)|심해|심합|심하게|불편|피해|지워|벗겨|바래|매일|밤마다|새벽|계속|며칠째|일주일째|달째|년째|\d+\s?(?:분|시간)째"
    r"|고성|소리|빛이|불빛|연기|가산금|과다|이상하게|버립니다|버려요|버려져|버리고|모르시는|안\s?(?:보여|보입|됩니|돼요)"
)


def problem_in(sentence: str) -> bool:
    return bool(PROBLEM.search(sentence) or NUISANCE.search(sentence))


def _kind(sentence: str, problem: bool | None = None) -> str | None:
    if PRAISE.search(sentence):
        return "칭찬"
    if problem_in(sentence) if problem is None else problem:
        return None
    if QUESTION.search(sentence):
        return "문의"
    if OPINION.search(sentence):
        return "의견·건의"
    return None


@dataclass(frozen=True, slots=True)
class Reading:
    kind: str | None  # "문의", "칭찬", "의견·건의", "막연한 불만", or None: a problem to fix
    problem: int  # sentences that name a defect, a nuisance or an action to take


def sentences(text: str, cleaned: str | None = None) -> list[str]:
    """The sentences of a complaint (title line included), without greetings and signatures. `cleaned`:
    cleaning.clean(text) when the caller has it already."""
    parts = (part.strip() for part in _SENTENCE.split(clean(text) if cleaned is None else cleaned))
    return [part for part in parts if len(part) > 1]


def read(text: str, parts: Sequence[str] | None = None) -> Reading:
    """Whether the complaint asks for an action on a problem, or only asks, thanks, suggests or grumbles.
    `parts`: its sentences when the caller has split them already."""
    parts = sentences(text) if parts is None else parts
    problems = [problem_in(s) for s in parts]
    problem = sum(problems)
    kinds = [_kind(s, found) for s, found in zip(parts, problems)]
    counts = {kind: kinds.count(kind) for kind in ("칭찬", "문의", "의견·건의")}
    # The first line (the title, or the opening sentence) says what the writer wants; the body may wander.
    first = kinds[0] if kinds else None
    kind = None
    if counts["칭찬"] and counts["칭찬"] >= problem:
        kind = "칭찬"
    elif first and not problems[0] and counts[first] >= problem / 2:
        kind = first
    elif max(counts.values(), default=0) >= 2 and sum(counts.values()) > problem:
        kind = max(counts, key=lambda k: counts[k])
    elif len("".join(parts)) < 60 and not _PLACE.search(" ".join(parts)):
        kind = "막연한 불만"  # short, and no place or number: nothing an officer could go and fix
    return Reading(kind, problem)
