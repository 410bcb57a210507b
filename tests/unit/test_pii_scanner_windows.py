"""The scanner's fast path (number detectors only around long digit runs, name/address finders jumping
from 씨/호) must find exactly what every detector finds when run over the whole text."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from bot.privacy import scan_pii
from bot.privacy.findings import Finding
from bot.privacy.normalise import normalise
from bot.privacy.scanner import DETECTORS
from tests.support.pii_corpus import PROSE, mixed_text, samples

FRAGMENTS = (
    [text for text, _ in samples(seed=99, per_type=15, negatives=80)]
    + PROSE
    + [
        "성명: 홍길동",
        "민원인 박서준 씨가",
        "김철수씨에게",
        "한빛로 12, 1203호",
        "101동 1203호",
        "아저씨",
        "보호구역",
        "국민은행 계좌",
        "카드",
        "+82 10 2345 6789",
        "M123A4567",
    ]
)
GLUE = st.sampled_from(
    [
        "",
        " ",
        "\n",
        "-",
        ".",
        "0",
        "12",
        "씨",
        "호",
        "동 ",
        "로 ",
        "은행 ",
        ", ",
        "(",
        ")",
        "\u200b",
        "\x00",
        "－",
        "１",
        "\xa0",
    ]
)


def whole_text_scan(text: str) -> list[tuple[str, int, int]]:
    """Every detector over the whole (normalised) text, overlaps resolved the same way: the slow reference."""
    view = normalise(text)
    found: list[Finding] = [
        Finding(f.type, *view.span(f.start, f.end), f.confidence)
        for detector, _ in DETECTORS.values()
        for f in detector(view.text, 0, len(view.text))
    ]
    found.sort(key=lambda f: (-f.length, -f.confidence, f.start))
    kept: list[Finding] = []
    for finding in found:
        if all(finding.end <= other.start or finding.start >= other.end for other in kept):
            kept.append(finding)
    return sorted((f.type, f.start, f.end) for f in kept)


def fast(text: str) -> list[tuple[str, int, int]]:
    return sorted((f.type, f.start, f.end) for f in scan_pii(text))


@settings(max_examples=300, deadline=None)
@given(st.lists(st.tuples(st.sampled_from(FRAGMENTS), GLUE), min_size=1, max_size=12))
def test_fast_scan_equals_whole_text_scan_on_any_mix(parts):
    text = "".join(fragment + glue for fragment, glue in parts)
    assert fast(text) == whole_text_scan(text)


def test_fast_scan_equals_whole_text_scan_on_a_long_mixed_text():
    text = mixed_text(60_000, seed=5)
    assert fast(text) == whole_text_scan(text)
    assert len(fast(text)) > 40  # the text really holds personal information


def test_type_filter_keeps_only_the_wanted_types():
    text = "민원인 이지원 씨 010-9876-5432, lee@korea.kr, 주민번호 850315-2345678"
    assert {f.type for f in scan_pii(text, types=["phone", "rrn"])} == {"phone", "rrn"}
