"""Detection quality on the generated labelled corpus (a regression guard; the benchmark runs it larger)."""

from __future__ import annotations

from bot.privacy import scan_pii
from tests.support.pii_corpus import NUMBER_TYPES, samples, score


def predict(text: str) -> list[tuple[str, int, int]]:
    return [(f.type, f.start, f.end) for f in scan_pii(text)]


def test_recall_and_precision_per_number_type_meet_the_targets():
    table = score(predict, list(samples(seed=7, per_type=40, negatives=200)))
    for kind in NUMBER_TYPES:
        tp, fp, fn = table[kind]
        recall = tp / (tp + fn)
        precision = tp / (tp + fp) if tp + fp else 1.0
        assert recall >= 0.99, (kind, table[kind])
        assert precision >= 0.97, (kind, table[kind])
