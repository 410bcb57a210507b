"""The scanner reads numbers however they are spelled (full-width digits, odd dashes and spaces, invisible
characters, line breaks inside a number) and reports spans of exactly the original characters; ordinary
text in those spellings still does not fire."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from bot.privacy import PlaceholderVault, redact, scan_pii
from bot.privacy.normalise import normalise
from bot.privacy.numbers import rrn_checksum_ok
from bot.privacy.vault import PLACEHOLDER, MaskStream, find_split_values

WIDE = str.maketrans("0123456789-.@", "０１２３４５６７８９－．＠")


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in scan_pii(text)]


# The spellings an outside attack test got past the scanner (each reached the upstream with RRN on `block`).
@pytest.mark.parametrize(
    "value, kind",
    [
        ("９００１０１－１２３４５６８", "rrn"),
        ("９００１０1-１２3４５６８", "rrn"),  # full-width mixed with ASCII
        ("900101－1234568", "rrn"),
        ("900101.1234568", "rrn"),
        ("900101-\n1234568", "rrn"),
        ("900101\n1234568", "rrn"),
        ("900101\r\n-1234568", "rrn"),
        ("900101\xa01234568", "rrn"),  # no-break space
        ("900101\u30001234568", "rrn"),  # ideographic space
        ("9001\x0001-1234568", "rrn"),  # NUL inside
        ("900101-123\x004568", "rrn"),
        ("9001\u200b01-12\u200d34568", "rrn"),  # zero-width characters
        ("900101\u20131234568", "rrn"),  # en dash
        ("900101\u22121234568", "rrn"),  # minus sign
        ("900101ㅡ1234568", "rrn"),  # the Hangul vowel people type as a dash
        ("٩٠٠١٠١-١٢٣٤٥٦٨", "rrn"),  # Arabic-Indic digits
        ("850707－5123456", "frn"),
        ("010-2222-\n3333", "phone"),
        ("010-2222- \n  3333", "phone"),
        ("０１０－２２２２－３３３３", "phone"),
        ("０１０-2222-３３３３", "phone"),
        ("010\xa02222\xa03333", "phone"),
        ("4111.1111.1111.1111", "card"),
        ("4111\n1111\n1111\n1111", "card"),  # one group per line
        ("４１１１－１１１１－１１１１－１１１１", "card"),
        ("hong.gd＠example.com", "email"),
        ("ｈｏｎｇ．ｇｄ＠ｅｘａｍｐｌｅ．ｃｏｍ", "email"),
    ],
)
def test_every_spelling_of_a_number_is_found_with_its_original_span(value, kind):
    assert kinds(f"민원인 번호는 {value} 입니다") == [(kind, value)]


@pytest.mark.parametrize(
    "text",
    [
        "접수일 ２０２４．０１．１５, 처리기한 2024.01.29",
        "2024.01.15\n2024.01.16\n2024.01.17",
        "제８조의２ 제１항",
        "제8조의2\n제9조",
        "과태료 １，２００，０００원을 부과",
        "버전 １．２．３",
        "대표번호 １５８８－１２３４",
        "문서번호 교통행정과－２０２４－１２３",
        "…2024—2025년 계획…",
        "금액\n1000\n2000\n3000",
        "① 신청서 ② 위임장",
    ],
)
def test_ordinary_text_in_other_spellings_does_not_fire(text):
    assert kinds(text) == []


DIGIT_FORMS = st.sampled_from(["ascii", "wide"])
SEPARATORS = ["", "-", "－", "–", "—", "‐", "−", " ", "\u3000", "\xa0", ".", "．", "\n", "-\n", " - ", "\r\n"]
INVISIBLE = ["", "", "", "\u200b", "\x00", "\ufeff", "\xad", "\u2060"]


def spell(digits: str, forms: list[str], between: list[str]) -> str:
    """`digits` with each digit ASCII or full-width and `between[i]` after digit i (never at the ends)."""
    out = []
    for i, digit in enumerate(digits):
        out.append(digit.translate(WIDE) if forms[i % len(forms)] == "wide" else digit)
        if i < len(digits) - 1:
            out.append(between[i % len(between)])
    return "".join(out)


@settings(max_examples=300, deadline=None)
@given(
    day=st.dates(date(1940, 1, 1), date(2019, 12, 31)),
    serial=st.integers(0, 999_999),
    separator=st.sampled_from(SEPARATORS),
    forms=st.lists(DIGIT_FORMS, min_size=1, max_size=13),
    invisible=st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=12),
    before=st.sampled_from(["주민번호 ", "", "번호: ", "(", "민원인 홍길동 씨 "]),
    after=st.sampled_from([" 입니다", "", ")", "로 조회", "\n감사합니다"]),
)
def test_a_valid_resident_number_in_any_spelling_is_found_and_its_span_is_exactly_the_number(
    day, serial, separator, forms, invisible, before, after
):
    gender = "1" if day.year < 2000 else "3"
    digits = f"{day:%y%m%d}{gender}{serial:06d}"
    front = spell(digits[:6], forms, invisible)
    back = spell(digits[6:], forms[::-1], invisible)
    value = front + separator + back
    text = before + value + after
    found = [f for f in scan_pii(text) if f.type == "rrn"]
    assert [(f.start, f.end) for f in found] == [(len(before), len(before) + len(value))]
    assert (found[0].confidence == 0.99) == rrn_checksum_ok(digits)


@settings(max_examples=200, deadline=None)
@given(
    middle=st.integers(2000, 9999),
    last=st.integers(0, 9999),
    separators=st.lists(
        st.sampled_from(["", "-", "－", " ", ".", "．", "\xa0", "-\n", "\n", "ㅡ"]), min_size=2, max_size=2
    ),
    forms=st.lists(DIGIT_FORMS, min_size=1, max_size=11),
    invisible=st.lists(st.sampled_from(INVISIBLE), min_size=1, max_size=10),
)
def test_a_mobile_number_in_any_spelling_is_found_exactly(middle, last, separators, forms, invisible):
    value = (
        spell("010", forms, invisible)
        + separators[0]
        + spell(str(middle), forms[1:] or forms, invisible)
        + separators[1]
        + spell(f"{last:04d}", forms, invisible[::-1])
    )
    text = f"연락처는 {value} 입니다"
    assert kinds(text) == [("phone", value)]


ALPHABET = st.sampled_from(
    list("0123456789０１２３４５６７８９-－.．@＠ \n\t가나홍길동ab")
    + ["\u200b", "\x00", "\xa0", "\u3000", "\r\n", "ㅡ", "…", "—"]
)


@settings(max_examples=400, deadline=None)
@given(st.lists(ALPHABET, max_size=40), st.data())
def test_a_normalised_span_maps_back_to_the_characters_it_came_from(pieces, data):
    """Between any two visible characters of the normalised text, the original span normalises to the same text."""
    text = "".join(pieces)
    view = normalise(text)
    assume(len(view.text) >= 1)
    start = data.draw(st.integers(0, len(view.text) - 1))
    end = data.draw(st.integers(start + 1, len(view.text)))
    assume(view.text[start].isalnum() and view.text[end - 1].isalnum())
    original_start, original_end = view.span(start, end)
    assert normalise(text[original_start:original_end]).text == view.text[start:end]
    assert text[original_start] not in "\u200b\x00" and text[original_end - 1] not in "\u200b\x00"


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 60), max_size=6))
def test_full_width_numbers_the_model_writes_are_masked_however_the_stream_is_cut(cuts):
    text = "담당 주무관 휴대전화는 ０１０－５５５５－７７７７ 이고, 주민번호는 ９００１０１－１２３４５６８ 입니다." * 2
    pieces, position = [], 0
    for cut in cuts:
        pieces.append(text[position : position + cut])
        position += cut
    pieces.append(text[position:])
    stream = MaskStream({"rrn": "block", "phone": "mask"})
    out = "".join(stream.feed(p) for p in pieces) + stream.flush()
    assert "５５５５" not in out and "７７７７" not in out and "１２３４５６８" not in out
    assert out.count("[전화번호]") == 2 and out.count("[주민등록번호]") == 2


def test_the_same_number_in_two_spellings_keeps_one_placeholder_and_redact_covers_both():
    vault = PlaceholderVault()
    masked = vault.mask("010-2222-3333 그리고 ０１０－２２２２－３３３３", {"phone": "mask"})
    assert masked.text == "[전화번호#1] 그리고 [전화번호#1]"
    assert redact("주민번호 ９００１０１－１２３４５６８") == "주민번호 [주민등록번호]"


@pytest.mark.parametrize(
    "messages, kind, value",
    [
        (["주민번호 앞자리 900101-", "1234568 입니다"], "rrn", "900101-1234568"),
        (["주민번호는 9001", "01-12", "34568"], "rrn", "9001" + "01-12" + "34568"),  # across three messages
        (["연락처 010-2222-", "3333"], "phone", "010-2222-3333"),
        (["카드 4111 1111", " 1111 1111 으로 결제"], "card", "4111 1111 1111 1111"),
    ],
)
def test_a_value_split_across_messages_is_found_in_every_part(messages, kind, value):
    split = find_split_values(messages)
    assert sorted(split) == list(range(len(messages)))
    vault = PlaceholderVault()
    results = [vault.mask(text, {kind: "block"}, split=split.get(i, ())) for i, text in enumerate(messages)]
    assert all(r.blocked == {kind} for r in results)
    assert sum(r.counts()[kind] for r in results) == 1  # one value, counted once
    masked = PLACEHOLDER.sub("", "".join(r.text for r in results))
    assert not any(ch.isdigit() for ch in masked)
    assert vault.restore(results[0].text).endswith(value)


def test_messages_that_merely_follow_each_other_are_not_joined_into_a_value():
    assert find_split_values(["접수일 2024.01.15", "처리기한 2024.01.29", "제8조의2"]) == {}
    assert find_split_values(["연락처 010-2222-3333", "감사합니다"]) == {}  # whole in one message: its own scan


def test_dates_just_before_the_digits_of_a_later_message_stay_dates():
    assert find_split_values(["회의는 2024.01.15", "10시에 시작"]) == {}
    day = date(2024, 1, 15)
    assert kinds(f"{day + timedelta(days=1):%Y.%m.%d}\n{day:%Y.%m.%d}") == []


@settings(max_examples=100, deadline=None)
@given(st.lists(st.integers(1, 70), max_size=8), st.integers(10, 200))
def test_a_number_padded_with_invisible_characters_is_masked_however_the_stream_is_cut(cuts, padding):
    text = "담당자 번호는 010" + "\u200b" * padding + "-5555-7777 입니다. " + "확인 부탁드립니다. " * 8
    pieces, position = [], 0
    for cut in cuts:
        pieces.append(text[position : position + cut])
        position += cut
    pieces.append(text[position:])
    stream = MaskStream({"phone": "mask"})
    out = "".join(stream.feed(p) for p in pieces) + stream.flush()
    assert "010" not in out and "5555" not in out and "[전화번호]" in out
