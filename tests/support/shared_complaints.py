"""The hand-written 한빛구청 complaint set in ../shared/complaints (see its README), for gold-label tests and the
benchmark. It sits beside the project, not in it: `find()` returns None when it is absent so tests can skip
with a visible reason. Rows with row % 5 == 0 are held back for reporting; the rest are for tuning."""

from __future__ import annotations

import csv
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
LEVELS = ("긴급", "높음", "보통", "낮음")


@dataclass(frozen=True, slots=True)
class Labelled:
    row: int
    topic: str
    department: str
    urgency: str
    reason: str
    duplicate_of: int | None

    @property
    def held_back(self) -> bool:
        return self.row % 5 == 0


def find() -> Path | None:
    """../shared/complaints from the project root, or from a parent of it (a git worktree sits deeper)."""
    for base in (ROOT, *ROOT.parents):
        candidate = base / "shared" / "complaints" if base != ROOT else base.parent / "shared" / "complaints"
        if (candidate / "complaints.csv").is_file() and (candidate / "labels.csv").is_file():
            return candidate
    return None


def load(folder: Path) -> tuple[bytes, list[Labelled]]:
    """(complaints.csv as bytes, its labels in row order)."""
    labels = []
    with (folder / "labels.csv").open(encoding="utf-8") as handle:
        for record in csv.DictReader(handle):
            labels.append(
                Labelled(
                    int(record["row"]),
                    record["topic"],
                    record["department"],
                    record["urgency"],
                    record["reason"],
                    int(record["duplicate_of"]) if record["duplicate_of"] else None,
                )
            )
    labels.sort(key=lambda label: label.row)
    return (folder / "complaints.csv").read_bytes(), labels
