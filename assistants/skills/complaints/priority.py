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

import numpy as np

from assistants.skills.complaints.settings import PriorityLevels, PriorityWeights

LEVELS = ("긴급", "높음", "보통", "낮음")
LEVELS_EN = {"긴급": "urgent", "높음": "high", "보통": "normal", "낮음": "low"}

HARM = re.compile(
    r"다쳤|다치셨|다쳐서|부상|골절|부러[졌지]|피[를가]?\s?(?:흘|났)|출혈|병원에\s?(?:실려|이송|옮겨)|입원|응급실|응급\s?환자|119(?:가|에|를|\s?구급)|구급차가\s?(?:왔|출동)"
    r"|사고가\s?(?:났|나서|발생)|사고\s?발생|충돌(?:해|했)|치였|치여|치고|깔려|화재|불이\s?(?:났|나|붙)|불꽃|연기가|탄\s?냄새|타는\s?냄새|붕괴|무너[져지]"
    r"|꺼져서|싱크홀이?\s?생|침수[돼되됐]|물에\s?잠|물이\s?(?:들어차|차오|넘쳐)|역류|감전됐|가스\s?(?:냄새|누출)|쓰러지셔|의식을?\s?잃|들이받"
)
HAZARD = re.compile(
    r"위험|아찔|뻔했|뻔\s?했|사고가?\s?날|다칠|걱정|불안|무섭|무서워|위협|식겁|감전될|빠질까|빠질\s?것|넘어질|미끄러|튀어나|큰일|시야를?\s?가"
)
VULNERABLE = re.compile(
    r"어린이|아이들|아이가|아이를|아이\s|초등학생|중학생|학생들?|유모차|아기|노인|어르신|할머니|할아버지|장애인|휠체어|시각장애|임산부|스쿨존|어린이보호구역|등굣길|하굣길"
)
URGENT_WORDS = re.compile(r"긴급|당장|즉시|지금\s?바로|오늘\s?(?:안|중)|시급|급합니다")
SOON_WORDS = re.compile(r"빨리|하루빨리|조속|서둘러|신속")
TONE = re.compile(
    r"도대체|화가\s?(?:나|납)|분통|어이없|말이\s?됩니까|몇\s?번째|세\s?번째|두\s?번째|또\s?(?:신고|민원|올립)|그대로입니다|달라지는\s?게\s?없|보람이\s?없|참다못해|!{2,}"
)
INQUIRY = re.compile(r"문의|궁금|건의|알려\s?주|알고\s?싶|좋겠|바랍니다만|방법을|계획이\s?있")
# "불이 붙을 뻔했다", "다칠까": a near miss or a fear is a hazard, not harm.
_NEAR_MISS = re.compile(r"^[가-힣]{0,3}\s?(?:뻔|까|것\s?같|지도)")
DONE = re.compile(r"완료|종결|처리\s?완료|답변\s?완료|closed|done|resolved", re.IGNORECASE)


@dataclass(frozen=True, slots=True)
class Priority:
    score: float
    level: str
    reasons: tuple[str, ...]
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


def _harm(text: str) -> str | None:
    """The first mention of actual harm that is not a near miss."""
    for match in HARM.finditer(text):
        if not _NEAR_MISS.match(text[match.end() : match.end() + 8]):
            return match.group(0).strip()
    return None


def business_days(start: datetime, end: datetime) -> int:
    """Whole working days (Mon–Fri) after `start` up to `end`; public holidays are not known here."""
    if end <= start:
        return 0
    days = int(np.busday_count(start.date(), end.date()))
    return max(0, days)


def level_of(score: float, levels: PriorityLevels) -> str:
    if score >= levels.urgent:
        return "긴급"
    if score >= levels.high:
        return "높음"
    if score >= levels.normal:
        return "보통"
    return "낮음"


def score_complaint(
    text: str,
    context: Context,
    *,
    received: datetime | None,
    status: str,
    as_of: datetime,
    weights: PriorityWeights,
    levels: PriorityLevels,
    handling_days: int = 7,
) -> Priority:
    signals: dict[str, float] = {}
    reasons: list[str] = []
    harm, hazard, vulnerable = _harm(text), _first(HAZARD, text) or _first(HARM, text), _first(VULNERABLE, text)
    safety = 1.0 if harm else 0.5 if hazard else 0.0
    if vulnerable:
        safety = min(1.0, safety + (0.3 if safety else 0.15))
    signals["safety"] = safety
    if harm:
        reasons.append(f"실제 피해·사고 언급('{harm}')")
    elif hazard:
        reasons.append(f"안전 위험('{hazard}')")
    if vulnerable and safety >= 0.5:
        reasons.append(f"취약 대상·구역('{vulnerable}')")
    urgent, soon = _first(URGENT_WORDS, text), _first(SOON_WORDS, text)
    signals["urgency"] = 1.0 if urgent else 0.5 if soon else 0.0
    if urgent or soon:
        reasons.append(f"긴급 처리 요청('{urgent or soon}')")
    repeated = (
        min(1.0, (context.duplicates - 1) / 3) * 0.6
        + min(1.0, math.log(max(context.cluster_size, 1)) / math.log(100)) * 0.4
    )
    signals["repetition"] = repeated
    if context.duplicates > 1:
        reasons.append(f"같은 내용 반복 접수 {context.duplicates}건")
    signals["location"] = min(1.0, (context.same_place - 1) / 4)
    if context.same_place >= 3 and context.place:
        reasons.append(f"같은 장소 신고 {context.same_place}건({context.place})")
    signals["recency"] = 0.0
    signals["deadline"] = 0.0
    if received is not None:
        age = as_of - received
        signals["recency"] = (
            1.0
            if age <= timedelta(days=1)
            else 0.7
            if age <= timedelta(days=3)
            else 0.4
            if age <= timedelta(days=7)
            else 0.2
            if age <= timedelta(days=14)
            else 0.0
        )
        if age <= timedelta(days=1):
            reasons.append("최근 24시간 내 접수")
        if not DONE.search(status or ""):
            remaining = handling_days - business_days(received, as_of)
            if remaining < 0:
                signals["deadline"] = 1.0
                reasons.append(f"처리기한 {-remaining}근무일 경과")
            elif remaining <= 2:
                signals["deadline"] = 0.8 if remaining <= 1 else 0.5
                reasons.append(f"처리기한 임박(D-{remaining})")
    tone_hits = len(TONE.findall(text))
    signals["tone"] = min(1.0, tone_hits / 2)
    if tone_hits:
        reasons.append("강한 불만 표현")
    score = sum(getattr(weights, name) * value for name, value in signals.items())
    inquiry = _first(INQUIRY, text)
    if inquiry and not harm and not hazard and not urgent:
        score *= 0.6
        reasons.append("문의·건의 성격")
    score = round(min(100.0, max(0.0, score)), 1)
    level = level_of(score, levels)
    if harm and level != "긴급":
        level = "긴급"
    elif level == "긴급" and not harm and not urgent:
        level = "높음"  # 긴급 needs actual harm, or a hazard the complainant calls urgent
    elif hazard and vulnerable and LEVELS.index(level) > 1:
        level = "높음"
    return Priority(score, level, tuple(reasons), signals)


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
    graded = ", ".join(f"{name} {counts[name]}건" for name in LEVELS[:2] if counts[name])
    if graded:
        reasons.append(graded)
    harm = sum(1 for m in members if any(r.startswith("실제 피해") for r in m.reasons))
    hazard = sum(1 for m in members if any(r.startswith("안전 위험") for r in m.reasons))
    if harm:
        reasons.append(f"실제 피해·사고 {harm}건")
    if hazard:
        reasons.append(f"안전 위험 {hazard}건")
    if size >= 5:
        reasons.append(f"민원 {size}건 집중")
    if duplicates:
        reasons.append(f"반복 접수 {duplicates}건")
    if places:
        counted: dict[str, int] = {}
        for place in places:
            if place:
                counted[place] = counted.get(place, 0) + 1
        if counted:
            place, count = max(sorted(counted.items()), key=lambda item: item[1])
            if count >= 3:
                reasons.append(f"같은 장소 {count}건({place})")
    overdue = sum(1 for m in members if m.signals.get("deadline", 0) >= 1.0)
    if overdue:
        reasons.append(f"처리기한 경과 {overdue}건")
    return ClusterPriority(score, level, tuple(reasons), counts)
