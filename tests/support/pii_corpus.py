"""A labelled corpus for PII detection, generated deterministically from a seed.

Positives are valid values in the formats people actually type; negatives are look-alikes that must
not fire (invalid dates and checksums, dates, amounts, document and order numbers, business numbers,
numbers inside longer digit runs). Each sample is (text, [(type, start, end), …]).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from datetime import date, timedelta

from stdnum import luhn
from stdnum.kr import rrn as stdnum_rrn

Sample = tuple[str, list[tuple[str, int, int]]]

LEADS = [
    "민원인 연락처는 ",
    "신청서에 적힌 번호: ",
    "회신은 ",
    "담당자 메모 — ",
    "확인 결과 ",
    "첨부 서류의 ",
    "※ 참고: ",
    "",
]
TAILS = [" 입니다.", " 로 연락 바랍니다.", "(으)로 확인됨", " 이며 처리 중입니다.", ". 끝.", " 기재되어 있음", ""]
SEPARATORS = ["-", "-", "-", " - ", "", " "]


def _rrn(rng: random.Random, foreign: bool) -> str:
    day = date(1940, 1, 1) + timedelta(days=rng.randrange(365 * 65))
    century = 0 if day.year < 2000 else 1
    gender = str(rng.choice([1, 2]) + 2 * century + (4 if foreign else 0))
    body = f"{day:%y%m%d}{gender}{rng.randrange(100000):05d}"
    # The check digit comes from python-stdnum, not from our detector's formula, so a wrong formula
    # in the detector cannot agree with the corpus by construction. Foreigner numbers add 2 to it.
    check = int(stdnum_rrn.calc_check_digit(body))
    if foreign:
        check = (check + 2) % 10
    last = str(check) if rng.random() < 0.6 else str(rng.randrange(10))  # post-2020 numbers: no check digit
    digits = body + last
    return digits[:6] + rng.choice(SEPARATORS) + digits[6:]


def _phone(rng: random.Random) -> str:
    sep = rng.choice(["-", "-", ".", " ", ""])
    kind = rng.random()
    if kind < 0.55:
        return f"010{sep}{rng.randrange(2000, 10000)}{sep}{rng.randrange(10000):04d}"
    if kind < 0.7:
        return f"02{sep}{rng.randrange(200, 10000)}{sep}{rng.randrange(10000):04d}"
    if kind < 0.85:
        area = rng.choice(["031", "032", "042", "051", "053", "062", "064"])
        return f"{area}{sep}{rng.randrange(200, 1000)}{sep}{rng.randrange(10000):04d}"
    if kind < 0.93:
        return f"070{sep}{rng.randrange(2000, 10000)}{sep}{rng.randrange(10000):04d}"
    return f"+82{rng.choice(['-', ' '])}10{rng.choice(['-', ' '])}{rng.randrange(2000, 10000)}{rng.choice(['-', ' '])}{rng.randrange(10000):04d}"


def _card(rng: random.Random) -> str:
    partial = rng.choice(["4", "5", "9"]) + "".join(str(rng.randrange(10)) for _ in range(14))
    digits = partial + luhn.calc_check_digit(partial)
    sep = rng.choice(["-", " ", ""])
    return sep.join(digits[i : i + 4] for i in range(0, 16, 4))


# Business registration numbers published on the companies' own sites (Samsung Electronics, NAVER, Kakao).
# python-stdnum checks only their format, so the corpus takes real numbers instead of our own formula.
PUBLISHED_BRNS = ("1248100998", "2208162517", "1208147521")


def _brn(rng: random.Random, valid: bool = True) -> str:
    digits = rng.choice(PUBLISHED_BRNS)
    if not valid:
        digits = digits[:9] + str((int(digits[9]) + rng.randrange(1, 10)) % 10)
    return f"{digits[:3]}-{digits[3:5]}-{digits[5:]}"


def _value(kind: str, rng: random.Random) -> tuple[str, str, str]:
    """(prefix context, value, suffix context) for one positive of `kind`."""
    if kind == "rrn":
        return "주민등록번호 ", _rrn(rng, False), ""
    if kind == "frn":
        return "외국인등록번호 ", _rrn(rng, True), ""
    if kind == "phone":
        return rng.choice(["전화 ", "연락처 ", "휴대폰 ", "H.P ", ""]), _phone(rng), ""
    if kind == "email":
        user = rng.choice(["kim", "lee.j", "park_sy", "hong.gildong", "minwon2024"])
        return (
            "메일 ",
            f"{user}{rng.randrange(100)}@{rng.choice(['naver.com', 'hanbit.go.kr', 'korea.kr', 'daum.net'])}",
            "",
        )
    if kind == "card":
        return "카드번호 ", _card(rng), ""
    if kind == "account":
        bank = rng.choice(["국민은행", "신한은행", "농협", "우리은행", "카카오뱅크", "하나은행"])
        number = rng.choice(
            [
                f"{rng.randrange(100, 1000)}-{rng.randrange(100, 1000)}-{rng.randrange(100000, 1000000)}",
                f"{rng.randrange(100000, 1000000)}-{rng.randrange(10, 100)}-{rng.randrange(100000, 1000000)}",
                f"{rng.randrange(10**11, 10**12)}",
            ]
        )
        return f"{bank} 계좌 ", number, " 로 입금"
    if kind == "passport":
        letter = rng.choice("MSR")
        return (
            "여권번호 ",
            rng.choice(
                [
                    f"{letter}{rng.randrange(10**7, 10**8):08d}",
                    f"{letter}{rng.randrange(100, 1000)}{rng.choice('ABCDE')}{rng.randrange(1000, 10000)}",
                ]
            ),
            "",
        )
    if kind == "driver_license":
        return (
            "운전면허 ",
            f"{rng.randrange(11, 29)}-{rng.randrange(10, 100)}-{rng.randrange(100000, 1000000)}-{rng.randrange(10, 100)}",
            "",
        )
    if kind == "brn":
        return "사업자등록번호 ", _brn(rng), ""
    if kind == "ip":
        return (
            "접속 IP ",
            f"{rng.randrange(11, 223)}.{rng.randrange(256)}.{rng.randrange(256)}.{rng.randrange(1, 255)}",
            "",
        )
    raise ValueError(kind)


NUMBER_TYPES = ("rrn", "frn", "phone", "email", "card", "account", "passport", "driver_license", "brn", "ip")


def _negative(rng: random.Random) -> str:
    day = date(2019, 1, 1) + timedelta(days=rng.randrange(2000))
    options = [
        f"접수일 {day:%Y-%m-%d}, 처리기한 {day + timedelta(days=14):%Y.%m.%d}",
        f"과태료 {rng.randrange(1, 500) * 10000:,}원을 부과",
        f"문서번호 교통행정과-{day.year}-{rng.randrange(10000)}",
        f"주문번호 {day:%Y%m%d}{rng.randrange(10**9, 10**10)}",
        f"대표번호 {rng.choice(['1588', '1577', '1644', '1899'])}-{rng.randrange(10000):04d}",
        f"시리얼 99{rng.randrange(10**13, 10**14)}",
        f"주민번호 형식 오류 {rng.randrange(10, 99)}1340-1{rng.randrange(100000, 999999)}",
        f"카드 {rng.choice('459')}{rng.randrange(10**14, 10**15)}" + "1",  # usually fails Luhn
        f"사업자 {_brn(rng, valid=False)}",
        f"제{rng.randrange(1, 90)}조 제{rng.randrange(1, 9)}항",
        f"버전 {rng.randrange(1, 9)}.{rng.randrange(10)}.{rng.randrange(10)}",
        f"{rng.randrange(1, 30)}동 주민센터 {rng.randrange(1, 5)}층",
    ]
    text = rng.choice(options)
    if text.startswith("카드 "):  # keep only the ones that really fail Luhn
        from stdnum import luhn

        digits = text.split()[1]
        if luhn.is_valid(digits):
            text = f"카드 {digits[:-1]}{(int(digits[-1]) + 1) % 10}"
    return text


def samples(seed: int = 20261122, per_type: int = 60, negatives: int = 300) -> Iterator[Sample]:
    rng = random.Random(seed)
    for kind in NUMBER_TYPES:
        for _ in range(per_type):
            before, value, after = _value(kind, rng)
            lead = rng.choice(LEADS) + before
            text = lead + value + after + rng.choice(TAILS)
            yield text, [(kind, len(lead), len(lead) + len(value))]
    for _ in range(negatives):
        yield rng.choice(LEADS) + _negative(rng) + rng.choice(TAILS), []


def score(predict, corpus: list[Sample]) -> dict[str, tuple[int, int, int]]:  # type: ignore[no-untyped-def]
    """Per type: (true positives, false positives, false negatives), exact spans."""
    table: dict[str, list[int]] = {kind: [0, 0, 0] for kind in NUMBER_TYPES}
    for text, gold in corpus:
        predicted = {(k, s, e) for k, s, e in predict(text) if k in table}
        expected = set(gold)
        for kind, start, end in predicted:
            table[kind][0 if (kind, start, end) in expected else 1] += 1
        for kind, _start, _end in expected - predicted:
            table[kind][2] += 1
    return {kind: (tp, fp, fn) for kind, (tp, fp, fn) in table.items()}


PROSE = [
    "한빛구청 교통행정과는 불법 주정차 단속 기준을 다음과 같이 안내드립니다.",
    "전동킥보드 방치 민원이 최근 한 달 사이 크게 늘어 현장 점검을 강화하고 있습니다.",
    "어린이보호구역에서는 오전 8시부터 오후 8시까지 주정차가 전면 금지됩니다.",
    "과태료는 승용차 기준 8만 원이며, 의견 진술 기간 안에 자진 납부하면 20% 감경됩니다.",
    "민원 처리 기한은 접수일로부터 7일이며, 연장이 필요한 경우 미리 알려 드립니다.",
    "관련 법령은 도로교통법 제32조와 제33조, 같은 법 시행령 별표 6입니다.",
    "현장 사진과 위치 정보를 첨부해 주시면 담당 주무관이 확인 후 회신하겠습니다.",
    "The office is open from 09:00 to 18:00 on weekdays; 점심시간에도 민원 창구는 운영합니다.",
    "보도자료 초안은 3쪽 분량으로, 주요 내용과 기대 효과, 문의처를 포함해 주세요.",
    "주민센터 2층 회의실에서 11월 25일 오후 2시에 주민 설명회가 열립니다.",
]


def mixed_text(size_bytes: int, seed: int = 11, pii_every: int = 6) -> str:
    """Korean office prose with a labelled sample (PII or a hard negative) every `pii_every` sentences,
    about `size_bytes` of UTF-8: the text a scanner meets in messages and attachments."""
    rng = random.Random(seed)
    corpus = list(samples(seed=seed, per_type=200, negatives=1000))
    pieces: list[str] = []
    size = 0
    while size < size_bytes:
        sentence = corpus[rng.randrange(len(corpus))][0] if rng.randrange(pii_every) == 0 else rng.choice(PROSE)
        pieces.append(sentence)
        size += len(sentence.encode("utf-8")) + 1
    return " ".join(pieces)
