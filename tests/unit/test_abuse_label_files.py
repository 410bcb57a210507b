"""The two-annotator labels of 2runo's comments (benchmarks/data/): well-formed, keyed by the text's SHA-1 (no
comment text in the repository), and the held-back sample never shares a comment with the relabelled dev part, so
a model trained on the dev labels is still measured on comments it never saw."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pytest

DATA = Path(__file__).resolve().parents[2] / "benchmarks" / "data"
CATEGORIES = {"profanity", "sexual", "slur_gender", "slur_origin", "slur_politics", "slur_other", "insult", "threat"}
FILES = {"curse_label_audit.tsv": 500, "curse_dev_relabel.tsv": 4041}


def rows(name: str) -> list[dict[str, str]]:
    with (DATA / name).open(encoding="utf-8") as handle:
        return list(csv.DictReader(handle, delimiter="\t"))


@pytest.mark.parametrize("name", sorted(FILES))
def test_each_file_holds_one_row_per_comment_with_both_annotators_labels(name):
    found = rows(name)
    assert len(found) == FILES[name]
    assert len({row["sha1"] for row in found}) == len(found)
    for row in found:
        assert set(row) == {"sha1", "a_label", "a_category", "a_sure", "b_label", "b_category", "b_sure"}
        assert re.fullmatch(r"[0-9a-f]{40}", row["sha1"])
        for who in ("a", "b"):
            assert row[f"{who}_label"] in {"0", "1"} and row[f"{who}_sure"] in {"0", "1"}
            if row[f"{who}_label"] == "1":
                assert row[f"{who}_category"] in CATEGORIES | {"other"}
            else:
                assert row[f"{who}_category"] == "-"


def test_the_held_back_sample_and_the_relabelled_dev_part_share_no_comment():
    held_back = {row["sha1"] for row in rows("curse_label_audit.tsv")}
    dev = {row["sha1"] for row in rows("curse_dev_relabel.tsv")}
    assert not held_back & dev
