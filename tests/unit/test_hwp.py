"""HWP 5.0 body text, built here record by record as the published HWP 5.0 format describes (no third-party file):
each record has a 32-bit header (tag 10 bits, level 10 bits, size 12 bits; size 0xFFF means a 32-bit size follows),
PARA_TEXT holds UTF-16LE text with 8-unit inline/extended controls, and a compressed section is raw deflate.
The OLE container around the sections is olefile's job; here it is only checked that garbage is refused clearly."""

from __future__ import annotations

import struct
import zlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from bot.knowledge.formats import read_document
from bot.knowledge.hwp import PARA_TEXT, HwpUnreadable, hwp_text, section_text

PARA_HEADER, PARA_CHAR_SHAPE, CTRL_HEADER = 66, 68, 71
OLE_MAGIC = bytes.fromhex("D0CF11E0A1B11AE1")


def record(tag: int, payload: bytes, level: int = 0) -> bytes:
    size = len(payload)
    if size >= 0xFFF:
        return struct.pack("<II", tag | level << 10 | 0xFFF << 20, size) + payload
    return struct.pack("<I", tag | level << 10 | size << 20) + payload


def utf16(text: str) -> bytes:
    return text.encode("utf-16-le")


def extended_control(code: int, ctrl_id: bytes) -> bytes:
    """An 8-unit control: the code, 4 bytes of control id, 8 bytes of data, the code again."""
    return struct.pack("<H", code) + ctrl_id[::-1] + b"\0" * 8 + struct.pack("<H", code)


def paragraph(text_payload: bytes) -> bytes:
    """A paragraph as Hangul writes it: header at level 0, then its text and character shapes at level 1."""
    return (
        record(PARA_HEADER, b"\0" * 22)
        + record(PARA_TEXT, text_payload, level=1)
        + record(PARA_CHAR_SHAPE, b"\0" * 8, level=1)
    )


def deflate(data: bytes) -> bytes:
    packer = zlib.compressobj(9, zlib.DEFLATED, -15)
    return packer.compress(data) + packer.flush()


SECTION = (
    # the first paragraph of a section starts with the section and column definitions (extended controls)
    paragraph(
        extended_control(2, b"secd")
        + extended_control(2, b"cold")
        + utf16("제8조(적용배제) 정당 현수막은 허가를 받지 아니하고 표시할 수 있다.")
        + b"\r\0"
    )
    + record(CTRL_HEADER, b"secd" + b"\0" * 16, level=2)
    + paragraph(utf16("구분") + extended_control(9, b"\0\0\0\0") + utf16("내용") + b"\r\0")
    + paragraph(utf16("비용") + struct.pack("<H", 31) + utf16("10,000원") + b"\r\0")  # fixed-width space
)


def test_compressed_section_gives_korean_paragraphs_in_order():
    assert section_text(deflate(SECTION), compressed=True) == [
        "제8조(적용배제) 정당 현수막은 허가를 받지 아니하고 표시할 수 있다.",
        "구분\t내용",
        "비용 10,000원",
    ]


def test_uncompressed_section_reads_the_same():
    assert section_text(SECTION, compressed=False) == section_text(deflate(SECTION), compressed=True)


def test_a_paragraph_longer_than_4095_bytes_uses_the_extended_size():
    long_text = "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률 " * 120
    stream = paragraph(utf16(long_text) + b"\r\0") + paragraph(utf16("다음 문단") + b"\r\0")
    assert len(utf16(long_text)) > 0xFFF
    assert section_text(deflate(stream), compressed=True) == [long_text, "다음 문단"]


def test_characters_beyond_the_basic_plane_keep_their_surrogate_pair():
    assert section_text(paragraph(utf16("𠀀 한자 확장") + b"\r\0"), compressed=False) == ["𠀀 한자 확장"]


def test_a_stream_that_is_not_deflate_is_refused_with_the_way_out():
    with pytest.raises(HwpUnreadable) as refused:
        section_text(b"\xff" * 64, compressed=True)
    assert "HWPX나 PDF로 저장" in str(refused.value) and "save it as HWPX or PDF" in str(refused.value)


plain_text = st.text(st.characters(min_codepoint=32, blacklist_categories=("Cs",)), max_size=3000)


@given(st.lists(plain_text, min_size=1, max_size=5), st.booleans())
def test_any_text_written_as_para_text_records_reads_back(paragraphs: list[str], compressed: bool):
    stream = b"".join(paragraph(utf16(text) + b"\r\0") for text in paragraphs)
    assert section_text(deflate(stream) if compressed else stream, compressed) == paragraphs


def assert_clear_refusal(data: bytes) -> None:
    with pytest.raises(HwpUnreadable) as refused:
        hwp_text(data)
    message = str(refused.value)
    assert "HWP" in message and "HWPX나 PDF로 저장" in message and "save it as HWPX or PDF" in message


@settings(max_examples=200)
@given(st.binary(max_size=4096))
def test_arbitrary_bytes_are_refused_clearly(data: bytes):
    assert_clear_refusal(data)


@settings(max_examples=200)
@given(st.binary(min_size=0, max_size=4096))
def test_arbitrary_bytes_behind_the_ole_signature_are_refused_clearly(tail: bytes):
    assert_clear_refusal(OLE_MAGIC + tail)


@given(st.binary(max_size=2048), st.booleans())
def test_arbitrary_section_bytes_give_text_or_the_refusal(data: bytes, compressed: bool):
    try:
        paragraphs = section_text(data, compressed)
    except HwpUnreadable as refused:
        assert "save it as HWPX or PDF" in str(refused)
    else:
        assert all(isinstance(text, str) for text in paragraphs)
        "\n".join(paragraphs).encode("utf-8")  # storable: no lone surrogate survives


def test_ingestion_names_the_refusal_for_a_damaged_hwp():
    text, reason = read_document("예규.hwp", OLE_MAGIC + b"\0" * 600)
    assert text == "" and reason is not None and "HWPX나 PDF로 저장" in reason
