"""decode_bytes: the one encoding guesser behind attached documents and complaint lists."""

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.documents.decode import Undecodable, decode_bytes

# Hangul syllables and ASCII: what CP949 can hold, so every encoding can round-trip it.
korean = st.text(alphabet=st.sampled_from("가나다라민원접수 도로 파손,\n0123abc"), max_size=60)


@given(korean, st.sampled_from(["utf-8", "utf-8-sig", "utf-16", "cp949"]))
def test_korean_text_reads_back_in_each_office_encoding(text, encoding):
    decoded, _ = decode_bytes(text.encode(encoding))
    assert decoded == text


def test_a_damaged_file_is_reported_strictly_and_read_leniently():
    damaged = "민원".encode("utf-8-sig") + b"\xff"
    with pytest.raises(Undecodable) as raised:
        decode_bytes(damaged)
    assert raised.value.marked and raised.value.encoding == "utf-8-sig"
    assert decode_bytes(damaged, errors="replace") == ("민원\ufffd", "utf-8-sig")
    with pytest.raises(Undecodable) as raised:
        decode_bytes(b"abc\x80\xff\x80")
    assert not raised.value.marked and raised.value.position == 3
