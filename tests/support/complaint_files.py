"""Complaint lists for tests, drawn from the labelled corpus (tests/data/complaints_eval.csv)."""

from __future__ import annotations

import csv
from datetime import datetime
from pathlib import Path

from tests.support.complaint_corpus import HEADER, to_csv

EVAL = Path(__file__).resolve().parents[1] / "data" / "complaints_eval.csv"
AS_OF = datetime(2026, 11, 20, 18, 0)
KICKBOARD_TOPICS = {"킥보드_방치", "킥보드_주행"}


def eval_rows() -> list[dict[str, str]]:
    return list(csv.DictReader(EVAL.open(encoding="utf-8")))


def mixed(count: int = 160) -> list[dict[str, str]]:
    """The first `count` complaints of the corpus: every topic, kickboards among them."""
    return eval_rows()[:count]


def office_csv(rows: list[dict[str, str]]) -> str:
    """As an office system exports it: no gold columns."""
    return to_csv(rows, HEADER[:8])
