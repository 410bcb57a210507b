"""PII detection and masking: each type, the hard negatives, and properties of masking and restoring."""

from __future__ import annotations

import json
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from bot.cli import app
from bot.privacy import PlaceholderVault, RestoreStream, scan_pii
from bot.privacy.numbers import brn_checksum_ok, rrn_checksum_ok
from bot.privacy.vault import MaskStream


def kinds(text: str) -> list[tuple[str, str]]:
    return [(f.type, text[f.start : f.end]) for f in scan_pii(text)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("주민번호 900101-1234568 입니다", [("rrn", "900101-1234568")]),
        ("주민번호 9001011234568", [("rrn", "9001011234568")]),
        ("주민번호 900101 - 1234568", [("rrn", "900101 - 1234568")]),
        ("2020년 이후 발급 051231-4123456", [("rrn", "051231-4123456")]),  # no valid check digit, still found
        ("외국인 850707-5123456", [("frn", "850707-5123456")]),
        ("연락처 010-2345-6789", [("phone", "010-2345-6789")]),
        ("연락처 010.2345.6789", [("phone", "010.2345.6789")]),
        ("연락처 010 2345 6789", [("phone", "010 2345 6789")]),
        ("연락처 01023456789", [("phone", "01023456789")]),
        ("사무실 02-2133-4567", [("phone", "02-2133-4567")]),
        ("사무실 031)234-5678", [("phone", "031)234-5678")]),
        ("인터넷전화 070-8765-4321", [("phone", "070-8765-4321")]),
        ("국제 +82-10-2345-6789", [("phone", "+82-10-2345-6789")]),
        ("메일 hong.gildong@seoul.go.kr 로", [("email", "hong.gildong@seoul.go.kr")]),
        ("카드 4111-1111-1111-1111", [("card", "4111-1111-1111-1111")]),
        ("신한은행 110-123-456789 로 입금", [("account", "110-123-456789")]),
        ("여권 M12345678", [("passport", "M12345678")]),
        ("여권 M123A4567", [("passport", "M123A4567")]),
        ("면허 11-23-456789-01", [("driver_license", "11-23-456789-01")]),
        ("사업자 220-81-62517", [("brn", "220-81-62517")]),
        ("접속 IP 203.0.113.7", [("ip", "203.0.113.7")]),
        ("한빛로 12, 1203호", [("address", "1203호")]),
        ("한빛아파트 101동 1203호", [("address", "101동 1203호")]),
        ("성명: 홍길동", [("name", "홍길동")]),
        ("민원인 박서준 이 신고", [("name", "박서준")]),
        ("김철수 씨가 방문", [("name", "김철수")]),
    ],
)
def test_each_type_is_found(text, expected):
    assert kinds(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "접수일 2024-01-15, 처리기한 2024.01.29",
        "금액 1,500,000원, 12,345,678원",
        "문서번호 교통행정과-2024-12345",
        "주문번호 20240115123456789",
        "대표번호 1588-1234, 1577-0000, 1644-1234",
        "전화번호 형태가 긴 숫자 안에 있음 9901023456789012",
        "제1조 제2항 제3호",
        "3동 주민센터",
        "버전 1.2.3",
        "카드 같은 번호 1234-5678-9012-3456 (Luhn 불일치)",
        "사업자 123-45-67890 (검증번호 불일치)",
        "생년월일 불가 901332-1234567",
        "아저씨가 말했다",
        "공유킥보드 30대가 방치",
    ],
)
def test_hard_negatives_do_not_fire(text):
    assert kinds(text) == []


def test_checksums():
    assert rrn_checksum_ok("9001011234568") and not rrn_checksum_ok("9001011234567")
    assert brn_checksum_ok("2208162517") and not brn_checksum_ok("1234567890")


def valid_rrn(day: date, gender: str, serial: int) -> str:
    return f"{day:%y%m%d}-{gender}{serial:06d}"


@settings(max_examples=200)
@given(
    st.dates(date(1900, 1, 1), date(1999, 12, 31)),
    st.sampled_from("1256"),
    st.integers(0, 999_999),
    st.sampled_from(["-", " - ", "", " "]),
)
def test_any_valid_birth_date_is_found_with_any_separator(day, gender, serial, separator):
    number = valid_rrn(day, gender, serial).replace("-", separator)
    found = kinds(f"번호 {number} 확인")
    assert found == [("frn" if gender in "56" else "rrn", number)]


phone_like = st.builds(
    lambda mid, last, sep: f"010{sep}{mid:04d}{sep}{last:04d}",
    st.integers(2000, 9999),
    st.integers(0, 9999),
    st.sampled_from(["-", ".", " ", ""]),
)
filler = st.text(alphabet=st.sampled_from("가나다라 민원처리 입니다.,"), max_size=30)


@settings(max_examples=150)
@given(filler, phone_like, filler)
def test_masking_never_leaks_and_restores_exactly(before, phone, after):
    text = f"{before} 연락처 {phone} {after}"
    vault = PlaceholderVault()
    result = vault.mask(text, {})
    assert phone not in result.text
    assert vault.restore(result.text) == text


@settings(max_examples=100)
@given(filler, phone_like, st.lists(st.integers(1, 12), min_size=1, max_size=30))
def test_restore_stream_is_independent_of_chunking(before, phone, cuts):
    vault = PlaceholderVault()
    masked = vault.mask(f"{before} {phone} 로 연락", {}).text
    reply = f"{masked} 그리고 [전화번호#1] 다시, [없는#9] 그대로"
    stream, pieces, position = RestoreStream(vault), [], 0
    for cut in cuts:
        pieces.append(stream.feed(reply[position : position + cut]))
        position += cut
    pieces.append(stream.feed(reply[position:]))
    pieces.append(stream.flush())
    assert "".join(pieces) == vault.restore(reply)


@settings(max_examples=60)
@given(st.lists(st.integers(1, 9), min_size=1, max_size=40))
def test_mask_stream_catches_a_number_split_across_pieces(cuts):
    text = "담당 주무관의 휴대전화 번호는 010-5555-7777 이고 메일은 clerk@hanbit.go.kr 입니다. 끝."
    stream, pieces, position = MaskStream({}), [], 0
    for cut in cuts:
        pieces.append(stream.feed(text[position : position + cut]))
        position += cut
    pieces.append(stream.feed(text[position:]))
    pieces.append(stream.flush())
    joined = "".join(pieces)
    assert "010-5555-7777" not in joined and "clerk@hanbit.go.kr" not in joined
    assert joined == "담당 주무관의 휴대전화 번호는 [전화번호] 이고 메일은 [이메일] 입니다. 끝."


def test_same_value_keeps_its_placeholder_and_allowed_types_pass():
    vault = PlaceholderVault()
    first = vault.mask("010-2345-6789, 220-81-62517", {"brn": "allow"})
    second = vault.mask("다시 01023456789 와 +82 10 2345 6789", {})
    assert first.text == "[전화번호#1], 220-81-62517"
    assert second.text == "다시 [전화번호#1] 와 [전화번호#1]"
    assert vault.mask("900101-1234568", {"rrn": "block"}).blocked == frozenset({"rrn"})


def test_filter_command_reports_types_and_positions():
    result = CliRunner().invoke(app, ["filter", "--json"], input="담당 김철수 씨 010-2345-6789\n")
    data = json.loads(result.stdout)
    assert data["masked"] == "담당 [성명#1] 씨 [전화번호#1]\n"
    assert data["findings"] == [{"type": "name", "start": 3, "end": 6}, {"type": "phone", "start": 9, "end": 22}]


def test_leap_day_is_a_valid_birth_date_and_feb_30_is_not():
    assert kinds("000229-3123456") == [("rrn", "000229-3123456")]
    assert kinds("000230-3123456") == []
    assert (date(2000, 2, 28) + timedelta(days=1)).day == 29


@pytest.mark.parametrize(
    "text", ["민원인 연락처 010-9876-5432", "신청인 주소 확인", "민원인 본인 방문", "작성자 담당자 확인"]
)
def test_office_words_after_a_label_are_not_names(text):
    assert [k for k, _ in kinds(text) if k == "name"] == []
