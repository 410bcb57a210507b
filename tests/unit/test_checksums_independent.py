"""The detectors' check-digit formulas, checked against sources that are not our own code.

A corpus generated with the detector's own formula agrees with it by construction; these tests compare
with python-stdnum (RRN, Luhn) and with business registration numbers published by their owners.
"""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st
from stdnum import luhn
from stdnum.kr import rrn as stdnum_rrn

from bot.privacy.numbers import brn_checksum_ok, rrn_checksum_ok
from bot.privacy.scanner import scan_pii
from tests.support.pii_corpus import PUBLISHED_BRNS

bodies = st.builds(
    lambda yymmdd, gender, rest: f"{yymmdd:06d}{gender}{rest:05d}",
    st.integers(0, 999999),
    st.sampled_from("1234"),
    st.integers(0, 99999),
)


@given(bodies, st.integers(0, 9))
def test_rrn_check_digit_agrees_with_stdnum(body: str, last: int) -> None:
    assert rrn_checksum_ok(body + str(last)) == (str(last) == stdnum_rrn.calc_check_digit(body))


def test_published_business_numbers_pass_and_altered_ones_fail() -> None:
    for digits in PUBLISHED_BRNS:
        assert brn_checksum_ok(digits)
        for wrong in range(1, 10):
            assert not brn_checksum_ok(digits[:9] + str((int(digits[9]) + wrong) % 10))


@given(st.text(alphabet="0123456789", min_size=15, max_size=15).filter(lambda d: d[0] in "459"))
def test_card_numbers_with_a_stdnum_luhn_digit_are_found(partial: str) -> None:
    number = partial + luhn.calc_check_digit(partial)
    text = "카드 " + "-".join(number[i : i + 4] for i in range(0, 16, 4))
    assert [f.type for f in scan_pii(text)] == ["card"]
