"""Text out of attached office files, and clear reasons when there is none."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.documents import extract_text, readable
from tests.support.documents import docx_bytes, encrypted_pdf_bytes, hwpx_bytes, pdf_bytes, xlsx_bytes

DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def test_docx_paragraphs_and_tables():
    data = docx_bytes(["전동킥보드 방치 민원 처리 계획", "1. 현장 확인"], table=[["구분", "건수"], ["킥보드", "12"]])
    result = extract_text("계획.docx", DOCX, data)
    assert result.error is None
    assert "전동킥보드 방치 민원 처리 계획" in result.text and "킥보드\t12" in result.text


def test_hwpx_paragraphs_in_order():
    result = extract_text(
        "보고서.hwpx", "application/octet-stream", hwpx_bytes(["제목: 포트홀 보수 계획", "한빛로 12 일대 보수"])
    )
    assert result.error is None and result.text.splitlines() == ["제목: 포트홀 보수 계획", "한빛로 12 일대 보수"]


def test_xlsx_rows_per_sheet():
    result = extract_text("민원.xlsx", "", xlsx_bytes([["접수번호", "내용"], [1, "가로등 고장"], [2, None]]))
    assert result.error is None and "## 민원" in result.text and "1\t가로등 고장" in result.text and "2" in result.text


def test_pdf_text_and_encrypted_pdf():
    assert (
        "Parking complaint at Hanbit-ro"
        in extract_text("a.pdf", "application/pdf", pdf_bytes("Parking complaint at Hanbit-ro 12")).text
    )
    locked = extract_text("b.pdf", "application/pdf", encrypted_pdf_bytes())
    assert locked.text == "" and "암호" in (locked.error or "")


def test_text_files_in_utf8_bom_and_cp949():
    assert extract_text("a.csv", "text/csv", "\ufeff제목,내용\n".encode("utf-8")).text == "제목,내용\n"
    assert extract_text("b.txt", "", "불법 주정차 신고".encode("cp949")).text == "불법 주정차 신고"


def test_unreadable_damaged_and_empty_files_say_why():
    assert not readable("사진.jpg", "image/jpeg")
    assert "형식" in (extract_text("사진.jpg", "image/jpeg", b"\xff\xd8").error or "")
    assert "손상" in (extract_text("깨진.docx", DOCX, b"not a zip").error or "")
    assert "비어" in (extract_text("빈.hwpx", "", hwpx_bytes([])).error or "")


def test_long_documents_are_cut_and_say_so():
    result = extract_text("긴.docx", DOCX, docx_bytes(["가" * 1000] * 30), limit=5000)
    assert result.truncated and len(result.text) == 5000


@given(st.binary(max_size=300), st.sampled_from(["a.docx", "a.xlsx", "a.hwpx", "a.pdf", "a.txt", "a.bin"]))
def test_any_bytes_give_text_or_a_reason_never_an_exception(data, name):
    result = extract_text(name, "", data)
    assert (result.error is None) or result.text == ""
