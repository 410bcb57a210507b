"""Priority of each complaint and each cluster, with the reasons an official can check.

Signals: safety (actual harm, hazards, vulnerable people, school zones), urgency wording, repetition,
concentration at one place, recency, the legal handling deadline (민원 처리에 관한 법률: 고충민원은
7근무일, set in app.yaml) and tone. Each signal is 0…1, multiplied by its weight from app.yaml; the
sum is the score (0–100) and the level comes from thresholds. Two floors keep obvious cases right:
an actual injury, fire, collapse or flooding is 긴급; a hazard to children, the elderly or disabled
people is at least 높음. And one cap: without actual harm or explicit urgency wording a complaint is
at most 높음, however often it repeats. Pure functions.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from functools import lru_cache

import numpy as np

from assistants.skills.complaints.reading import read, sentences
from assistants.skills.complaints.reasons import Reason
from assistants.skills.complaints.settings import PriorityLevels, PriorityWeights
from bot.i18n import ko_en as _ko_en
from bot.i18n import t

LEVELS = ("긴급", "높음", "보통", "낮음")


@lru_cache(maxsize=8192)
def _pair(key: str, values: tuple[tuple[str, object], ...]) -> tuple[str, str]:
    return _ko_en(key, **dict(values))


def ko_en(key: str, **values: object) -> tuple[str, str]:
    """bot.i18n.ko_en, remembered: a list of 10^5 complaints repeats the same few reasons (one gettext
    lookup and format per distinct reason instead of per complaint)."""
    return _pair(key, tuple(sorted(values.items())))


LEVELS_EN = {"긴급": "urgent", "높음": "high", "보통": "normal", "낮음": "low"}

HARM = re.compile(
    r"다쳤|다치셨|다쳐서|부상|골절|부러[졌지]|피[를가]?\s?(?:흘|났)|출혈|병원에\s?(?:실려|이송|옮겨)|입원|응급실|응급\s?환자|119(?:가|에|를|\s?구급)|구급차가\s?(?:왔|출동)"
    r"|사고가\s?(?:났|나서|발생)|사고\s?발생|충돌(?:해|했)|(?:차|차량|오토바이|킥보드)에\s?치였|치여서|들이받"
    r"|화재가?\s?(?:났|발생)|불이\s?(?:났|붙었)|불길|붕괴(?:됐|되었|했)|무너졌|싱크홀이?\s?생|땅이\s?꺼졌"
    r"|침수[돼됐]|물에\s?잠[겼기]|물이\s?(?:들어차|차오)|감전됐|쓰러지셔|의식을?\s?잃"
)
# Immediate dangers by kind (the dataset's rubric: 긴급 without an injury yet), strongest first.
GRAVE = (
    ("가스", re.compile(r"가스\s?(?:냄새|누출|새)")),
    ("전기", re.compile(r"전선이?\s?(?:끊어|늘어져|늘어진|걸쳐|걸침|바닥|내려)|감전(?:될|위험)|누전|스파크")),
    (
        "붕괴",
        re.compile(
            r"붕괴\s?(?:위험|직전|우려)|무너질|무너지기|금이\s?(?:가|간)\s?(?:벽|옹벽|축대)|옹벽|축대.{0,10}(?:기울|갈라)"
        ),
    ),
    (
        "싱크홀",
        re.compile(
            r"싱크홀이?\s?(?:생겼|생겨|났|발생|있)|땅(?:이|바닥이)\s?(?:꺼|내려앉)|지반\s?침하(?:가|로)?\s?(?:생|발생|진행)"
        ),
    ),
    ("맨홀", re.compile(r"맨홀\s?(?:뚜껑)?.{0,6}(?:열려|없어|빠져|사라)")),
    (
        "침수",
        re.compile(
            r"침수(?:가|되고|되는|\s?진행|\s?중)|물이\s?(?:차오르|불어나|들어오고)|잠기고|지하차도.{0,15}(?:물|침수)"
        ),
    ),
    (
        "신호 고장",
        re.compile(
            r"신호(?:등|기)?(?:이|가)?\s?(?:다\s?)?(?:꺼져|꺼졌|먹통|고장|점멸|안\s?들어|동시에?\s?(?:녹색|초록|파란))"
        ),
    ),
    ("쓰러짐", re.compile(r"(?:나무|가로수|전봇대|전신주|간판|담장)(?:가|이)?\s?(?:쓰러|넘어져|넘어졌|기울어)")),
    ("연락두절", re.compile(r"연락(?:이)?\s?(?:두절|안\s?(?:되|닿))|며칠째\s?(?:안\s?보이|인기척)")),
    ("아이 위험", re.compile(r"아이(?:가|들이)?\s?(?:혼자\s?)?(?:갇혀|고립|물에|난간)")),
)
# Serious but not immediate by itself: smoke, fire risk, a leak — at most 높음 without harm or urgency.
SERIOUS = re.compile(
    r"(?<!담배\s)(?<!담배)연기가?\s?(?:나|올라|새|피어)|타는\s?냄새|탄\s?냄새|불꽃|화재\s?위험|불이\s?날|누수|물이\s?샌"
)
HAZARD = re.compile(
    r"위험|아찔|뻔했|뻔\s?했|사고가?\s?날|다칠|걱정|불안|무섭|무서워|위협|식겁|감전될|빠질까|빠질\s?것|넘어질|미끄러|튀어나|큰일|시야를?\s?가"
    # dangers named by what happens rather than by the word "위험": dark walks, fast vehicles among walkers,
    # things falling or thrown, contamination, exposure, blocked rescue
    r"|어두[워운웠]|깜깜|차도로\s?(?:걸|다니|내려)|무단\s?횡단|역주행|질주|과속|덮칠|날아[가와오들]|던[지져졌]|물릴|시야"
    r"|오염|주사기|감염|역류|동사|얼어\s?죽|쥐가|구더기|해충|불나면|화재\s?시|방임|학대"
)
# Illegal acts that endanger others although nothing has happened (rubric 높음): rescue routes blocked,
# heavy or fast traffic where children walk.
ENDANGERING = re.compile(
    r"소화전|소방차\s?(?:전용|진입|통로|가?\s?못)|소방\s?(?:도로|통로)|비상구|피난\s?(?:통로|계단)"
)
SCHOOL_ZONE = re.compile(r"스쿨존|어린이\s?보호\s?구역|통학로|등굣길|하굣길|등교|하교|초등학교\s?(?:앞|정문|후문)")
SCHOOL_TRAFFIC = re.compile(r"트럭|화물차|덤프|레미콘|킥보드|과속|주차|차량|차들|인도가\s?(?:없|전혀)|횡단보도가\s?없")
VULNERABLE = re.compile(
    r"어린이|아이들|아이가|아이를|아이\s|초등학생|중학생|학생들?|유모차|아기|노인|어르신|할머니|할아버지|독거"
    r"|장애인|휠체어|시각장애|점자\s?블록|임산부|스쿨존|어린이보호구역|통학로|등굣길|하굣길"
)
# Something in the way of people who cannot go round it: a hazard for them even when nobody says "위험".
BLOCKED = re.compile(r"점자\s?블록|휠체어|유모차")
BLOCKING = re.compile(r"위에|막[고아혀는]|가로막|지나가기\s?(?:어렵|힘들)|지나갈\s?수\s?없|다닐\s?수\s?없|통행")
# A second report of the same thing: the office has not fixed it yet.
REPEAT = re.compile(
    r"(?:지난|저번|전에|예전에|작년에|몇\s?번|여러\s?번|이미|벌써)\s?(?:주|달|번|해)?(?:에도|에|도)?\s?(?:신고|민원|접수|연락)"
    r"|아직(?:도)?\s?그대로|또\s?(?:신고|민원)|다시\s?신고|재(?:신고|민원)|두\s?번째|세\s?번째|몇\s?번째|여전히\s?그대로"
)
# "다치셨다는 이야기", "잠겼던": told or long past; "허리를 다쳐서", "일을 하다가": the writer's own story.
_HEARSAY = re.compile(r"^[가-힣]{0,2}\s?(?:던|다는|다고\s?(?:들|하))")
_OWN_OR_PAST = re.compile(r"허리|무릎|손목|발목|어깨|몸이|일을\s?하다|작년|예전|몇\s?년\s?전")
_FEAR = re.compile(r"걱정|불안|무섭|무서워|큰일|식겁")  # a feeling, not a named danger: no floor by itself
# "다치지는 않았지만", "사고 날 뻔", "사고가 나기 전에": harm words that say no harm happened.
NEGATED = re.compile(r"^[가-힣]{0,3}\s?(?:지는|지도|진)?\s?(?:않|안\s?(?:났|다쳤)|없었|아니)")
_BEFORE = re.compile(r"^[가-힣]{0,2}\s?(?:기\s?전|지\s?않도록|지\s?않게|ㄹ까)")
URGENT_WORDS = re.compile(r"긴급|당장|즉시|지금\s?바로|오늘\s?(?:안|중)|시급|급합니다")
SOON_WORDS = re.compile(r"빨리|하루빨리|조속|서둘러|신속")
TONE = re.compile(
    r"도대체|화가\s?(?:나|납)|분통|어이없|말이\s?됩니까|몇\s?번째|세\s?번째|두\s?번째|또\s?(?:신고|민원|올립)|그대로입니다|달라지는\s?게\s?없|보람이\s?없|참다못해|!{2,}"
)
# "불이 붙을 뻔했다", "다칠까": a near miss or a fear is a hazard, not harm.
_NEAR_MISS = re.compile(r"^[가-힣]{0,3}\s?(?:뻔|까|것\s?같|지도)")
DONE = re.compile(r"완료|종결|처리\s?완료|답변\s?완료|closed|done|resolved", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Priority:
    score: float
    level: str
    reasons: tuple[str, ...]  # Reason: Korean as the string, English in .en
    signals: dict[str, float] = field(default_factory=dict)  # each signal 0…1, for the benchmark and JSON


@dataclass(frozen=True, slots=True)
class Context:
    """What a complaint's neighbours tell about it."""

    duplicates: int = 1  # complaints in its near-duplicate group, itself included
    cluster_size: int = 1
    same_place: int = 1  # complaints of its cluster at the same place, itself included
    place: str = ""


def _first(pattern: re.Pattern[str], text: str) -> str | None:
    match = pattern.search(text)
    return match.group(0).strip() if match else None


def _school_traffic(text: str, parts: Sequence[str]) -> str | None:
    """A school route named in the same sentence as vehicles or a missing sidewalk."""
    if not SCHOOL_ZONE.search(text):
        return None
    for part in parts:
        zone = SCHOOL_ZONE.search(part)
        if zone and SCHOOL_TRAFFIC.search(part):
            return zone.group(0)
    return None


def _vulnerable_at_risk(parts: Sequence[str]) -> bool:
    """Vulnerable people named in the same sentence as a danger or an obstruction, not just somewhere in a letter."""
    return any(
        VULNERABLE.search(part)
        and (
            any(not _FEAR.fullmatch(m.group(0)) for m in HAZARD.finditer(part))
            or SERIOUS.search(part)
            or BLOCKING.search(part)
        )
        for part in parts
    )


def _harm(text: str) -> str | None:
    """The first mention of actual harm that is not a near miss, a fear or a denial."""
    for match in HARM.finditer(text):
        after = text[match.end() : match.end() + 12]
        before = text[max(0, match.start() - 10) : match.start()]
        if not (
            _NEAR_MISS.match(after)
            or NEGATED.match(after)
            or _BEFORE.match(after)
            or _HEARSAY.match(after)
            or _OWN_OR_PAST.search(before)
        ):
            return match.group(0).strip()
    return None


def _grave_reason(kind: str, words: str) -> Reason:
    """ "즉각적 위험: 가스('가스 냄새')" with the kind named in each language."""
    ko, en = hazard_kind(kind)
    return Reason(
        (t("triage_reason_grave", "ko", kind=ko, words=words), t("triage_reason_grave", "en", kind=en, words=words))
    )


def hazard_kind(kind: str) -> tuple[str, str]:
    """(Korean, English) name of an immediate danger of GRAVE."""
    names = {
        "가스": ko_en("triage_hazard_gas"),
        "전기": ko_en("triage_hazard_electric"),
        "붕괴": ko_en("triage_hazard_collapse"),
        "싱크홀": ko_en("triage_hazard_sinkhole"),
        "맨홀": ko_en("triage_hazard_manhole"),
        "침수": ko_en("triage_hazard_flood"),
        "신호 고장": ko_en("triage_hazard_signal"),
        "쓰러짐": ko_en("triage_hazard_fallen"),
        "연락두절": ko_en("triage_hazard_unreachable"),
        "아이 위험": ko_en("triage_hazard_child"),
    }
    return names[kind]


def kind_reason(kind: str) -> Reason:
    """Why a complaint without danger is 낮음: what it asks for instead of an action (reading.read)."""
    reasons = {
        "문의": ko_en("triage_reason_inquiry"),
        "칭찬": ko_en("triage_reason_praise"),
        "의견·건의": ko_en("triage_reason_opinion"),
        "막연한 불만": ko_en("triage_reason_vague"),
    }
    return Reason(reasons[kind])


def grave_hazard(text: str) -> tuple[str, str] | None:
    """(kind, words) of the first immediate danger named in the text, by the order of GRAVE."""
    for kind, pattern in GRAVE:
        match = pattern.search(text)
        if match and not NEGATED.match(text[match.end() : match.end() + 12]):
            return kind, match.group(0).strip()
    return None


def business_days(start: datetime, end: datetime) -> int:
    """Whole working days (Mon–Fri) after `start` up to `end`; public holidays are not known here."""
    if end <= start:
        return 0
    days = int(np.busday_count(start.date(), end.date()))
    return max(0, days)


def _timing(
    received: datetime, status: str, as_of: datetime, handling_days: int
) -> tuple[tuple[float, str], tuple[float, str]]:
    """(recency, deadline) signals with their reasons. Past its deadline a complaint is overdue only when its
    status says it is still open: without a status it may long be done (a list exported years ago)."""
    age = as_of - received
    recency = next((value for limit, value in _RECENT if age <= timedelta(days=limit)), 0.0)
    recent = (recency, Reason(ko_en("triage_reason_recent")) if age <= timedelta(days=1) else "")
    if DONE.search(status or ""):
        return recent, (0.0, "")
    remaining = handling_days - business_days(received, as_of)
    if remaining < 0:
        return recent, (1.0, Reason(ko_en("triage_reason_overdue", days=-remaining))) if status.strip() else (0.0, "")
    if remaining <= 2:
        return recent, (0.8 if remaining <= 1 else 0.5, Reason(ko_en("triage_reason_due", days=remaining)))
    return recent, (0.0, "")


_RECENT = ((1, 1.0), (3, 0.7), (7, 0.4), (14, 0.2))  # (days since received, recency signal)


def level_of(score: float, levels: PriorityLevels) -> str:
    if score >= levels.urgent:
        return "긴급"
    if score >= levels.high:
        return "높음"
    if score >= levels.normal:
        return "보통"
    return "낮음"


@dataclass(frozen=True, slots=True)
class TextSignals:
    """What the words of one complaint say, apart from its neighbours and dates: read once per distinct text
    (copies of a petition share it) and possibly in another process, so it is plain picklable data."""

    harm: str | None
    grave: tuple[str, str] | None
    serious: str | None
    hazard: str | None  # a named danger, smoke or fire risk, or an act that endangers others
    vulnerable: str | None
    blocked: bool
    at_risk: bool
    endangering: str | None
    urgent: str | None
    soon: str | None
    repeat: str | None
    tone_hits: int
    kind: str | None  # reading.read: what a complaint without danger asks for
    problem: int


def read_text(text: str, cleaned: str | None = None) -> TextSignals:
    """Every signal the text alone gives, its sentences split once (`cleaned`: cleaning.clean(text), when the
    caller has it). Sentence-level checks run only when the whole text has the words they look for."""
    parts = sentences(text, cleaned)
    harm, grave = _harm(text), grave_hazard(text)
    serious = _first(SERIOUS, text)
    hazard = next((m.group(0).strip() for m in HAZARD.finditer(text) if not _FEAR.fullmatch(m.group(0))), None)
    hazard = hazard or serious
    vulnerable = _first(VULNERABLE, text)
    blocked = bool(BLOCKED.search(text)) and any(BLOCKED.search(part) and BLOCKING.search(part) for part in parts)
    at_risk = vulnerable is not None and _vulnerable_at_risk(parts)
    endangering = _first(ENDANGERING, text) or _school_traffic(text, parts)
    reading = read(text, parts)
    return TextSignals(
        harm=harm,
        grave=grave,
        serious=serious,
        hazard=hazard or endangering,
        vulnerable=vulnerable,
        blocked=blocked,
        at_risk=at_risk,
        endangering=endangering,
        urgent=_first(URGENT_WORDS, text),
        soon=_first(SOON_WORDS, text),
        repeat=_first(REPEAT, text),
        tone_hits=len(TONE.findall(text)),
        kind=reading.kind,
        problem=reading.problem,
    )


def score_complaint(
    text: str,
    context: Context,
    *,
    received: datetime | None,
    status: str,
    as_of: datetime | None,
    weights: PriorityWeights,
    levels: PriorityLevels,
    handling_days: int = 7,
    read_as: TextSignals | None = None,
) -> Priority:
    """Score, level and reasons of one complaint. `read_as`: its text already read (read_text), for lists
    where many complaints share a text or the reading ran elsewhere."""
    signals: dict[str, float] = {}
    reasons: list[str] = []
    words = read_as or read_text(text)
    harm, grave, serious, hazard = words.harm, words.grave, words.serious, words.hazard
    vulnerable, blocked, at_risk, endangering = words.vulnerable, words.blocked, words.at_risk, words.endangering
    safety = 1.0 if harm or grave else 0.7 if serious else 0.5 if hazard or blocked else 0.0
    if vulnerable:  # the people at risk, named in the sentence of the danger, count more than a mention elsewhere
        safety = min(1.0, safety + (0.3 if at_risk else 0.1))
    signals["safety"] = safety
    if harm:
        reasons.append(Reason(ko_en("triage_reason_harm", words=harm)))
    if grave:
        reasons.append(_grave_reason(grave[0], grave[1]))
    elif hazard and not harm:
        reasons.append(Reason(ko_en("triage_reason_hazard", words=hazard)))
    if vulnerable:
        reasons.append(Reason(ko_en("triage_reason_vulnerable", words=vulnerable)))
    if blocked:
        reasons.append(Reason(ko_en("triage_reason_blocked")))
    urgent, soon = words.urgent, words.soon
    signals["urgency"] = 1.0 if urgent else 0.5 if soon else 0.0
    if urgent or soon:
        reasons.append(Reason(ko_en("triage_reason_urgent_words", words=urgent or soon)))
    # Copies of one text add a little (the count is shown); a report saying the problem persists adds more (below).
    repeated = (
        min(1.0, (context.duplicates - 1) / 3) * 0.3
        + min(1.0, math.log(max(context.cluster_size, 1)) / math.log(100)) * 0.4
    )
    signals["repetition"] = repeated
    repeat = words.repeat
    if repeat:
        signals["repetition"] = repeated = max(repeated, 0.8)
        reasons.append(Reason(ko_en("triage_reason_repeat", words=repeat)))
    if context.duplicates > 1:
        reasons.append(Reason(ko_en("triage_reason_copies", count=context.duplicates)))
    signals["location"] = min(1.0, (context.same_place - 1) / 4)
    if context.same_place >= 3 and context.place:
        reasons.append(Reason(ko_en("triage_reason_same_place", count=context.same_place, place=context.place)))
    signals["recency"], signals["deadline"] = 0.0, 0.0
    if received is not None and as_of is not None:
        recency, deadline = _timing(received, status, as_of, handling_days)
        signals["recency"], signals["deadline"] = recency[0], deadline[0]
        reasons += [reason for reason in (recency[1], deadline[1]) if reason]
    tone_hits = words.tone_hits
    signals["tone"] = min(1.0, tone_hits / 2)
    if tone_hits:
        reasons.append(Reason(ko_en("triage_reason_tone")))
    score = sum(getattr(weights, name) * value for name, value in signals.items())
    kind, problem = words.kind, words.problem
    asks_action = bool(harm or grave or hazard or blocked or urgent or at_risk or repeat)
    if kind and not asks_action:
        score *= 0.6
        reasons.append(kind_reason(kind))
    score = round(min(100.0, max(0.0, score)), 1)
    level = level_of(score, levels)
    if harm or grave:
        level = "긴급"
    elif level == "긴급":
        level = "높음"  # 긴급 needs actual harm or an immediate danger (rubric); smoke or a fear is at most 높음
    elif (at_risk and hazard or blocked or endangering or repeat and (hazard or problem)) and LEVELS.index(level) > 1:
        # vulnerable people at risk, an act that endangers others, or a problem reported again and still there
        level = "높음"
    elif LEVELS.index(level) > 1:
        # Without danger: a problem to fix is 보통; a question, thanks, an opinion or a vague grumble is 낮음.
        level = "낮음" if kind and not asks_action and score < levels.normal else "보통"
    if not reasons:
        reasons.append(Reason(ko_en("triage_reason_plain")))
    return Priority(score, level, tuple(reasons), signals)


def one_issue_one_level(priorities: Sequence[Priority], groups: Sequence[int], rows: Sequence[int]) -> list[Priority]:
    """Complaints linked as one issue (copies, repeat reports) share its most urgent level and score: a repeat
    raises the first report instead of ranking below it. `groups[i]` is the index of the issue's first report."""
    members: dict[int, list[int]] = {}
    for index, root in enumerate(groups):
        members.setdefault(root, []).append(index)
    lifted = list(priorities)
    for issue in members.values():
        if len(issue) < 2:
            continue
        top = min(issue, key=lambda i: (LEVELS.index(priorities[i].level), -priorities[i].score))
        best = priorities[top]
        for index in issue:
            own = priorities[index]
            if LEVELS.index(own.level) > LEVELS.index(best.level) or own.score < best.score:
                note = Reason(ko_en("triage_reason_issue", count=len(issue), row=rows[top]))
                lifted[index] = Priority(max(own.score, best.score), best.level, (*own.reasons, note), own.signals)
    return lifted


def _low_group_reason(members: Sequence[Priority]) -> Reason:
    """ "위험·긴급 신호 없음: 문의 성격 3건, 칭찬 성격 1건" in each language."""
    kinds = [kind_reason(kind) for kind in ("문의", "칭찬", "의견·건의", "막연한 불만")]
    counted = [(kind, sum(1 for m in members if kind in m.reasons)) for kind in kinds]
    named = [(kind, count) for kind, count in counted if count]
    pairs = {
        locale: ", ".join(t("triage_group_kind", locale, kind=kind.text(locale), count=count) for kind, count in named)
        or t("triage_group_no_signal", locale)
        for locale in ("ko", "en")
    }
    return Reason((t("triage_group_low", "ko", kinds=pairs["ko"]), t("triage_group_low", "en", kinds=pairs["en"])))


@dataclass(frozen=True, slots=True)
class ClusterPriority:
    score: float
    level: str
    reasons: tuple[str, ...]
    level_counts: dict[str, int]


def score_cluster(
    members: Sequence[Priority],
    *,
    places: Sequence[str],
    duplicates: int,
    weights: PriorityWeights,
    levels: PriorityLevels,
) -> ClusterPriority:
    """A cluster is as urgent as its most urgent complaint; its score also grows with its size."""
    scores = sorted((m.score for m in members), reverse=True)
    size = len(scores)
    top = scores[: max(1, size // 4)]
    score = (
        0.6 * scores[0]
        + 0.4 * (sum(top) / len(top))
        + weights.repetition * 0.5 * min(1.0, math.log(size) / math.log(100))
    )
    score = round(min(100.0, score), 1)
    counts = {level: sum(1 for m in members if m.level == level) for level in LEVELS}
    level = next(level for level in LEVELS if counts[level]) if size else "낮음"
    reasons: list[str] = []
    if counts["긴급"]:
        reasons.append(Reason(ko_en("triage_group_urgent", count=counts["긴급"])))
    if counts["높음"]:
        reasons.append(Reason(ko_en("triage_group_high", count=counts["높음"])))
    harm = sum(1 for m in members if any(r.startswith("실제 피해") for r in m.reasons))
    hazard = sum(1 for m in members if any(r.startswith("안전 위험") for r in m.reasons))
    if harm:
        reasons.append(Reason(ko_en("triage_group_harm", count=harm)))
    if hazard:
        reasons.append(Reason(ko_en("triage_group_hazard", count=hazard)))
    if size >= 5:
        reasons.append(Reason(ko_en("triage_group_size", count=size)))
    if duplicates:
        reasons.append(Reason(ko_en("triage_group_repeats", count=duplicates)))
    if places:
        counted: dict[str, int] = {}
        for place in places:
            if place:
                counted[place] = counted.get(place, 0) + 1
        if counted:
            place, count = max(sorted(counted.items()), key=lambda item: item[1])
            if count >= 3:
                reasons.append(Reason(ko_en("triage_group_place", count=count, place=place)))
    overdue = sum(1 for m in members if m.signals.get("deadline", 0) >= 1.0)
    if overdue:
        reasons.append(Reason(ko_en("triage_group_overdue", count=overdue)))
    if level == "낮음":  # a low group still says why: what its complaints ask for instead of an action
        reasons.append(_low_group_reason(members))
    elif level == "보통":
        reasons.append(Reason(ko_en("triage_group_normal", count=counts["보통"])))
    return ClusterPriority(score, level, tuple(reasons), counts)
