"""Reading complaint lists: headers, encodings, row problems, pasted lists (pure functions)."""

from __future__ import annotations

import csv
import io
from datetime import datetime

import openpyxl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from assistants.skills.complaints.parsing import decode, field_of, parse_date, read_file, read_text_list
from assistants.skills.complaints.records import UnreadableList


@pytest.mark.parametrize(
    ("header", "field"),
    [
        ("접수번호", "id"),
        ("민원 내용", "text"),
        ("민원내용", "text"),
        ("내용", "text"),
        ("Content", "text"),
        ("접수일시", "received"),
        ("신청일자", "received"),
        ("제목", "title"),
        ("발생 위치", "location"),
        ("주소", "location"),
        ("민원인", "complainant"),
        ("성명", "complainant"),
        ("연락처(휴대폰)", "contact"),
        ("E-mail", "contact"),
        ("처리부서", "department"),
        ("처리 상태", "status"),
        ("비고", None),
        ("", None),
    ],
)
def test_headers_are_recognised_in_korean_and_english(header, field):
    assert field_of(header) == field


def test_csv_with_korean_headers_maps_columns_and_keeps_row_numbers():
    text = "순번,접수일,제목,민원 내용,주소,민원인,연락처,상태\n1,2026-11-19,보행 불편,인도에 킥보드가 방치되어 있습니다.,한빛로 12,김민준,010-1234-5678,접수\n"
    result = read_file("list.csv", text.encode("utf-8"))
    [complaint] = result.complaints
    assert result.columns == {
        "id": "순번",
        "received": "접수일",
        "title": "제목",
        "text": "민원 내용",
        "location": "주소",
        "complainant": "민원인",
        "contact": "연락처",
        "status": "상태",
    }
    assert complaint.row == 2 and complaint.text == "보행 불편\n인도에 킥보드가 방치되어 있습니다."
    assert (
        complaint.received == datetime(2026, 11, 19)
        and complaint.complainant == "김민준"
        and complaint.contact == "010-1234-5678"
    )


def test_header_below_a_title_row_is_found():
    text = "한빛구청 민원 접수 현황(11월)\n\n접수번호,내용\nA-1,가로등이 꺼졌습니다.\n"
    result = read_file("list.csv", text.encode("utf-8"))
    assert [(c.row, c.id) for c in result.complaints] == [(4, "A-1")]


def test_cp949_and_utf8_bom_are_detected():
    text = "내용,민원인\n포트홀이 생겼습니다,홍길동\n"
    assert decode(text.encode("cp949")) == (text, "cp949")
    assert decode(text.encode("utf-8-sig")) == (text, "utf-8-sig")
    assert read_file("x.csv", text.encode("euc-kr")).encoding == "cp949"


def test_undecodable_bytes_say_which_encodings_work():
    with pytest.raises(UnreadableList) as raised:
        decode(b"abc\x80\xff\x80")
    assert "UTF-8 또는 CP949" in raised.value.ko or "utf" in raised.value.en.lower()


def test_rows_with_too_many_values_or_no_text_are_reported_by_row_and_skipped():
    text = "번호,내용,연락처\n1,정상 민원입니다.,010-1111-2222\n2,쉼표가, 들어간, 민원,010-2222-3333\n3,,010-3333-4444\n4,마지막 민원입니다.,\n"
    result = read_file("x.csv", text.encode())
    assert [c.row for c in result.complaints] == [2, 5]
    assert [(p.row, p.skipped) for p in result.problems] == [(3, True), (4, True)]
    assert "열 3개, 이 행 5개" in result.problems[0].ko and "'내용' 값이 비어 있습니다" in result.problems[1].ko


def test_an_unreadable_date_keeps_the_row_with_a_note():
    result = read_file("x.csv", "내용,접수일\n민원입니다.,지난주\n".encode())
    assert len(result.complaints) == 1 and result.complaints[0].received is None
    assert result.problems[0].row == 2 and not result.problems[0].skipped


def test_no_text_column_is_a_clear_error_naming_the_first_row():
    with pytest.raises(UnreadableList) as raised:
        read_file("x.csv", "번호,날짜,사람\n1,2026-11-01,김\n".encode())
    assert "'번호', '날짜', '사람'" in raised.value.ko and "내용" in raised.value.ko
    assert "header" in raised.value.en


def test_old_xls_is_refused_with_what_to_do():
    with pytest.raises(UnreadableList) as raised:
        read_file("list.xls", b"\xd0\xcf\x11\xe0" + b"\x00" * 100)
    assert ".xlsx" in raised.value.ko


def test_xlsx_rows_dates_and_numbers():
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(["접수번호", "접수일시", "민원내용", "연락처"])
    sheet.append([20261101, datetime(2026, 11, 1, 9, 30), "버스정류장 의자가 부서졌습니다.", "010-1234-5678"])
    sheet.append([20261102, None, None, None])
    buffer = io.BytesIO()
    book.save(buffer)
    result = read_file("list.xlsx", buffer.getvalue())
    assert [(c.row, c.id, c.received) for c in result.complaints] == [(2, "20261101", datetime(2026, 11, 1, 9, 30))]
    assert [p.row for p in result.skipped] == [3]


def test_pasted_numbered_list_with_continuation_lines():
    result = read_text_list(
        "1. 가로등이 꺼졌습니다.\n   밤에 너무 어둡습니다.\n2) 포트홀이 생겼습니다.\n③ 쓰레기가 쌓였습니다.\n"
    )
    assert [(c.row, c.text) for c in result.complaints] == [
        (1, "가로등이 꺼졌습니다. 밤에 너무 어둡습니다."),
        (3, "포트홀이 생겼습니다."),
        (4, "쓰레기가 쌓였습니다."),
    ]


def test_pasted_spreadsheet_selection_is_read_as_a_table():
    result = read_text_list("접수번호\t내용\nA-1\t킥보드가 방치되어 있습니다.\nA-2\t가로등 고장\n")
    assert [(c.id, c.text) for c in result.complaints] == [
        ("A-1", "킥보드가 방치되어 있습니다."),
        ("A-2", "가로등 고장"),
    ]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", datetime(2026, 11, 20)),
        ("2026.11.20 14:05", datetime(2026, 11, 20, 14, 5)),
        ("2026/1/2", datetime(2026, 1, 2)),
        ("2026년 11월 20일 오후 2시 30분", datetime(2026, 11, 20, 14, 30)),
        ("20261120", datetime(2026, 11, 20)),
        ("2026-02-30", None),
        ("어제", None),
        ("", None),
    ],
)
def test_dates_in_office_shapes(text, expected):
    assert parse_date(text) == expected


korean_text = st.text(
    alphabet=st.sampled_from("가나다라마바사아자차카타파하킥보드민원, .\"'!?\n0123456789"), min_size=1, max_size=80
)


@given(
    st.lists(korean_text.filter(lambda s: s.strip()), min_size=1, max_size=20),
    st.sampled_from(["utf-8", "cp949", "utf-8-sig"]),
)
@settings(max_examples=60, deadline=None)
def test_any_list_written_as_csv_reads_back_row_for_row(texts, encoding):
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(["접수번호", "내용"])
    for index, text in enumerate(texts):
        writer.writerow([f"N{index}", text])
    result = read_file("list.csv", buffer.getvalue().encode(encoding))
    assert [c.id for c in result.complaints] == [f"N{i}" for i in range(len(texts))]
    assert [c.text for c in result.complaints] == [t.strip() for t in texts]
    assert [c.row for c in result.complaints] == list(range(2, len(texts) + 2)) or any("\n" in t for t in texts)
    assert result.problems == []


@given(
    st.lists(
        st.text(alphabet=st.sampled_from("가나다라마바사 킥보드"), min_size=1, max_size=30).filter(lambda s: s.strip()),
        min_size=1,
        max_size=15,
    )
)
@settings(max_examples=60, deadline=None)
def test_numbered_paste_gives_one_complaint_per_item(items):
    pasted = "\n".join(f"{i}. {item}" for i, item in enumerate(items, start=1))
    result = read_text_list(pasted)
    assert [c.text for c in result.complaints] == [item.strip() for item in items]


def test_committed_evaluation_set_is_what_the_generator_makes():
    """tests/data/complaints_eval.csv is generated, not hand-edited: regenerate with
    `python -m tests.support.complaint_corpus` after changing the generator."""
    from tests.support.complaint_corpus import OUT, generate, to_csv

    rows = generate()
    assert OUT.read_text(encoding="utf-8") == to_csv(rows)
    assert len(rows) >= 600 and len({r["gold_cluster"] for r in rows}) >= 12
    assert len({r["내용"] for r in rows}) >= 0.95 * len(rows)  # varied wording, not copies
