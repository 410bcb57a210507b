"""Pure checks behind the attachment limits: the zip central-directory check and the streamed row limit."""

from __future__ import annotations

import io
import pickle
import zipfile

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistants.skills.complaints.parsing import HEADER_SCAN_ROWS, bounded_rows, read_file
from assistants.skills.complaints.records import UnreadableList
from bot.documents import DocumentLimits, LimitExceeded, check_archive, extract_text
from tests.support.bombs import office_bomb
from tests.support.documents import docx_bytes, hwpx_bytes, xlsx_bytes

MB = 1024 * 1024


def _zip(members: dict[str, bytes]) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, data in members.items():
            archive.writestr(name, data)
    return buffer.getvalue()


def test_real_office_files_pass_the_archive_check():
    for data in (
        docx_bytes(["가로등 민원"], [["구분", "건수"], ["가로등", "3"]]),
        hwpx_bytes(["회의록"]),
        xlsx_bytes([["번호", "내용"]]),
    ):
        check_archive(data, DocumentLimits())


def test_each_limit_is_named_in_the_refusal():
    limits = DocumentLimits(unpacked_mb=1, ratio=50, members=3)
    with pytest.raises(LimitExceeded) as members:
        check_archive(_zip({f"{i}.xml": b"<a/>" for i in range(4)}), limits)
    assert members.value.key == "limit_members" and "한도(3개)" in members.value.message("ko")
    with pytest.raises(LimitExceeded) as unpacked:
        check_archive(_zip({"a.xml": bytes(range(256)) * 5000}), limits)  # 1.2 MB, barely compressible
    assert unpacked.value.key == "limit_unpacked" and "1 MB limit" in unpacked.value.message("en")
    with pytest.raises(LimitExceeded) as ratio:
        check_archive(_zip({"a.xml": b" " * (MB + 1)}), DocumentLimits(ratio=50))
    assert ratio.value.key == "limit_ratio" and "a.xml" in ratio.value.both()


def test_the_refusal_survives_the_worker_process_boundary():
    error = LimitExceeded("limit_pdf_pages", {"pages": 900, "limit": 500})
    again = pickle.loads(pickle.dumps(error))
    assert again.message("ko") == error.message("ko") and "900" in again.message("ko")
    listed = pickle.loads(pickle.dumps(UnreadableList("한국어", "English")))
    assert (listed.ko, listed.en) == ("한국어", "English")


@pytest.mark.parametrize("kind", ["docx", "hwpx", "xlsx"])
def test_extraction_refuses_a_bomb_before_reading_it(kind):
    extracted = extract_text(f"보고서.{kind}", "", office_bomb(kind))
    assert extracted.text == "" and "압축을 풀면" in (extracted.error or "")


def test_a_non_zip_passes_the_check_and_is_reported_by_its_reader():
    check_archive(b"PK\x03\x04 not really a zip", DocumentLimits())
    assert "손상" in (extract_text("a.docx", "", b"PK\x03\x04 not really a zip").error or "")


@settings(max_examples=60, deadline=None)
@given(
    leading=st.integers(0, HEADER_SCAN_ROWS - 1),
    data_rows=st.integers(0, 60),
    max_rows=st.integers(1, 40),
)
def test_bounded_rows_refuses_exactly_above_the_limit_and_never_reads_further(leading, data_rows, max_rows):
    rows = [["메모"]] * leading + [["번호", "내용"]] + [[str(i), "소음"] for i in range(data_rows)]
    consumed = []

    def stream():
        for row in rows:
            consumed.append(row)
            yield row

    if data_rows > max_rows:
        with pytest.raises(UnreadableList) as error:
            bounded_rows(stream(), max_rows)
        assert f"{max_rows:,}행" in error.value.ko
    else:
        assert bounded_rows(stream(), max_rows) == rows
    assert len(consumed) <= max(HEADER_SCAN_ROWS, leading + 1 + max_rows + 1)


def test_read_file_stops_a_long_csv_and_a_long_xlsx_at_the_row_limit():
    csv_data = ("번호,내용\n" + "".join(f"{i},소음\n" for i in range(30))).encode()
    assert len(read_file("a.csv", csv_data, 30).complaints) == 30
    with pytest.raises(UnreadableList):
        read_file("a.csv", csv_data, 29)
    workbook = xlsx_bytes([["번호", "내용"]] + [[i, "소음"] for i in range(30)])
    assert len(read_file("a.xlsx", workbook, 30).complaints) == 30
    with pytest.raises(UnreadableList):
        read_file("a.xlsx", workbook, 29)
    with pytest.raises(LimitExceeded):
        read_file("a.xlsx", office_bomb("xlsx"))
