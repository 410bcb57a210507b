"""The full result as files: XLSX (the list with the triage columns added, plus a sheet of clusters),
CSV with the same columns, and the JSON document the CLI prints (shape documented in the README).
Every value written here has already been masked."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterator
from typing import Any

from assistants.skills.complaints.pipeline import TriageResult
from assistants.skills.complaints.priority import LEVELS_EN
from assistants.skills.complaints.reasons import localized
from assistants.skills.sheets.xlsx import safe_cell, write_sheets

ADDED = ("묶음 순위", "묶음 제목", "우선순위", "점수", "우선순위 사유", "담당 부서(제안)", "반복 접수(원 민원 행)")
CLUSTER_COLUMNS = (
    "순위",
    "우선순위",
    "점수",
    "제목",
    "요약",
    "건수",
    "반복 접수",
    "키워드",
    "사유",
    "담당 부서(제안)",
    "근거",
    "대표 민원(행)",
    "대표 민원",
)


def _header(result: TriageResult) -> tuple[str, ...]:
    return ("원본 행",) + (result.source.header or ("내용",)) + ADDED


def complaint_rows(result: TriageResult) -> Iterator[list[Any]]:
    """One row per complaint, in the file's order: its (masked) cells, then the triage columns."""
    width = len(result.source.header or ("내용",))
    for scored in result.complaints:
        complaint, cluster = scored.complaint, result.clusters[scored.cluster] if result.clusters else None
        cells = list(complaint.original[:width]) + [""] * (width - len(complaint.original))
        yield [
            complaint.row,
            *cells,
            scored.cluster + 1 if cluster else "",
            cluster.title if cluster else "",
            scored.priority.level,
            scored.priority.score,
            "; ".join(scored.priority.reasons),
            cluster.route.department_name if cluster else "",
            scored.duplicate_of or "",
        ]


def cluster_rows(result: TriageResult) -> list[list[Any]]:
    rows = []
    for rank, cluster in enumerate(result.clusters, start=1):
        representative = result.complaints[cluster.representative].complaint
        basis = {"keywords": "키워드: " + ", ".join(cluster.route.matched), "model": "모델 분류", "none": "일치 없음"}[
            cluster.route.basis
        ]
        rows.append(
            [
                rank,
                cluster.priority.level,
                cluster.priority.score,
                cluster.title,
                cluster.summary,
                cluster.size,
                cluster.duplicates,
                ", ".join(cluster.keywords),
                "; ".join(cluster.priority.reasons),
                cluster.route.department_name,
                basis,
                representative.row,
                representative.text,
            ]
        )
    return rows


def xlsx_bytes(result: TriageResult) -> bytes:
    """Write-only workbook (streams rows, so 100,000 complaints stay within memory)."""
    from openpyxl import Workbook

    book = Workbook(write_only=True)
    write_sheets(
        book,
        (
            ("민원 목록", _header(result), complaint_rows(result)),
            ("묶음 요약", CLUSTER_COLUMNS, cluster_rows(result)),
        ),
    )
    notes = book.create_sheet("안내")
    for line in describe(result):
        notes.append([line])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def describe(result: TriageResult) -> list[str]:
    lines = [
        f"원본: {result.source.source}" + (f" ({result.source.encoding})" if result.source.encoding else ""),
        f"기준 시각: {result.as_of:%Y-%m-%d %H:%M}" if result.as_of else "",
        f"읽은 민원 {result.total}건, 분석 {len(result.complaints)}건, 묶음 {len(result.clusters)}개",
    ]
    if result.topic:
        lines.append(f"주제: {result.topic} (검색어: {', '.join(result.terms)})")
    lines += [f"건너뛴 행: {p.describe()}" if p.skipped else f"참고: {p.describe()}" for p in result.source.problems]
    lines.append(
        "개인정보(민원인 이름, 연락처 등)는 부서 정책에 따라 가려져 있습니다. 원본과는 '원본 행'으로 맞춰 보세요."
    )
    return [line for line in lines if line]


def csv_text(result: TriageResult) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(_header(result))
    writer.writerows([safe_cell(v) for v in row] for row in complaint_rows(result))
    return buffer.getvalue()


def to_json(result: TriageResult) -> dict[str, Any]:
    """The document `govbot complaints triage --format json` prints."""
    return {
        "source": {
            "name": result.source.source,
            "encoding": result.source.encoding or None,
            "columns": result.source.columns,
            "rows_read": result.total,
            "skipped": [{"row": p.row, "reason": p.ko, "reason_en": p.en} for p in result.source.problems if p.skipped],
            "warnings": [
                {"row": p.row, "reason": p.ko, "reason_en": p.en} for p in result.source.problems if not p.skipped
            ],
        },
        "topic": {"query": result.topic, "terms": result.terms, "matched": len(result.complaints)}
        if result.topic
        else None,
        "as_of": result.as_of.isoformat(timespec="minutes") if result.as_of else None,
        "clusters": [
            {
                "rank": rank,
                "level": cluster.priority.level,
                "level_en": LEVELS_EN[cluster.priority.level],
                "score": cluster.priority.score,
                "title": cluster.title,
                "summary": cluster.summary,
                "written_by_model": cluster.written_by_model,
                "size": cluster.size,
                "duplicates": cluster.duplicates,
                "keywords": cluster.keywords,
                "reasons": [str(r) for r in cluster.priority.reasons],
                "reasons_en": [localized(r, "en") for r in cluster.priority.reasons],
                "issues": cluster.size - cluster.duplicates,  # copies and repeat reports count once
                "levels": cluster.priority.level_counts,
                "department": {
                    "id": cluster.route.department_id,
                    "name": cluster.route.department_name,
                    "basis": cluster.route.basis,
                    "matched": list(cluster.route.matched),
                },
                "representative": {
                    "row": result.complaints[cluster.representative].complaint.row,
                    "text": result.complaints[cluster.representative].complaint.text,
                },
                "rows": [result.complaints[i].complaint.row for i in cluster.members],
            }
            for rank, cluster in enumerate(result.clusters, start=1)
        ],
        "complaints": [
            {
                "row": result.complaints[i].complaint.row,
                "id": result.complaints[i].complaint.id or None,
                "cluster": result.complaints[i].cluster + 1,
                "level": result.complaints[i].priority.level,
                "score": result.complaints[i].priority.score,
                "reasons": [str(r) for r in result.complaints[i].priority.reasons],
                "reasons_en": [localized(r, "en") for r in result.complaints[i].priority.reasons],
                "duplicate_of_row": result.complaints[i].duplicate_of,
                "place": result.complaints[i].place or None,
                "text": result.complaints[i].complaint.text,
            }
            for i in result.ranked_complaints()
        ],
        "model_calls": result.model_calls,
        "notes": result.notes,
    }


def json_text(result: TriageResult) -> str:
    return json.dumps(to_json(result), ensure_ascii=False, indent=2)
