"""PII detection: precision and recall per type on a large labelled corpus, scan throughput on mixed
Korean text, and Microsoft Presidio's analyzer on the same corpus side by side.

The corpus comes from tests/support/pii_corpus.py (deterministic from a seed): valid numbers in the
formats people type, numbers that must not fire (invalid dates and check digits, post-2020 resident
numbers without a check digit count as valid), and hard negatives (dates, amounts, document and order
numbers, phone-like digits inside longer runs, 1588-/1577- business numbers). Targets for the number
types: recall >= 0.99, precision >= 0.97. Throughput target: >= 20 MB/s of UTF-8 on one core.

A prediction counts when its type and span equal the label ("exact"). Presidio's spans sometimes
differ by a separator, so its table also shows "overlap" scoring (same type, spans overlap), which
is the kinder measure for it.

Presidio is installed only for this benchmark, never as a project dependency:
    .venv/bin/pip install 'presidio-analyzer>=2.2.36'
It is run offline: its Korean recognizers (KR_RRN, KR_FRN, KR_BRN, KR_PASSPORT, KR_DRIVER_LICENSE,
disabled by default) are enabled together with its phone (region KR), e-mail, credit-card and IP
recognizers, on presidio's NoOpNlpEngine instead of the spaCy model it would try to download; its
e-mail recognizer's tldextract is pointed at the bundled suffix-list snapshot so nothing is fetched.
It has no Korean bank-account recognizer. Without presidio installed, its columns are skipped with the
reason printed.

Rerun:  .venv/bin/python benchmarks/pii_detection.py [--per-type 2000] [--negatives 6000] [--mb 4] [--repeats 5]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bot.privacy import scan_pii  # noqa: E402
from tests.support.pii_corpus import NUMBER_TYPES, Sample, mixed_text, samples, score  # noqa: E402

Predict = Callable[[str], list[tuple[str, int, int]]]
PRESIDIO_TYPES = {
    "KR_RRN": "rrn",
    "KR_FRN": "frn",
    "KR_BRN": "brn",
    "KR_PASSPORT": "passport",
    "KR_DRIVER_LICENSE": "driver_license",
    "PHONE_NUMBER": "phone",
    "EMAIL_ADDRESS": "email",
    "CREDIT_CARD": "card",
    "IP_ADDRESS": "ip",
}


def govbot(text: str) -> list[tuple[str, int, int]]:
    return [(f.type, f.start, f.end) for f in scan_pii(text)]


def presidio() -> tuple[Predict | None, str]:
    """Presidio's analyzer set up for Korean offline, or None and why not."""
    try:
        import tldextract
        from presidio_analyzer import AnalyzerEngine, RecognizerRegistry
        from presidio_analyzer.nlp_engine.no_op_nlp_engine import NoOpNlpEngine
        from presidio_analyzer.predefined_recognizers import (
            CreditCardRecognizer,
            EmailRecognizer,
            IpRecognizer,
            KrBrnRecognizer,
            KrDriverLicenseRecognizer,
            KrFrnRecognizer,
            KrPassportRecognizer,
            KrRrnRecognizer,
            PhoneRecognizer,
        )
        from presidio_analyzer.predefined_recognizers.generic import email_recognizer
    except ImportError as error:
        return None, f"presidio-analyzer is not installed ({error}); install it as the docstring says"
    from importlib.metadata import version

    # Its e-mail check calls tldextract, which would download the public suffix list: use the snapshot.
    offline = tldextract.TLDExtract(suffix_list_urls=(), fallback_to_snapshot=True)
    email_recognizer.tldextract = type("OfflineTldextract", (), {"extract": staticmethod(offline)})  # type: ignore[assignment]
    registry = RecognizerRegistry(supported_languages=["ko"])
    for recognizer in (
        KrRrnRecognizer(),
        KrFrnRecognizer(),
        KrBrnRecognizer(),
        KrPassportRecognizer(),
        KrDriverLicenseRecognizer(),
        PhoneRecognizer(supported_language="ko", supported_regions=["KR"]),
        EmailRecognizer(supported_language="ko"),
        CreditCardRecognizer(supported_language="ko"),
        IpRecognizer(supported_language="ko"),
    ):
        registry.add_recognizer(recognizer)
    engine = AnalyzerEngine(
        registry=registry,
        nlp_engine=NoOpNlpEngine(models=[{"lang_code": "ko", "model_name": "none"}]),
        supported_languages=["ko"],
    )

    def predict(text: str) -> list[tuple[str, int, int]]:
        return [
            (PRESIDIO_TYPES[r.entity_type], r.start, r.end)
            for r in engine.analyze(text, language="ko")
            if r.entity_type in PRESIDIO_TYPES
        ]

    return predict, f"presidio-analyzer {version('presidio-analyzer')} (Korean recognizers enabled, no-op NLP engine)"


def overlap_score(predict: Predict, corpus: list[Sample]) -> dict[str, tuple[int, int, int]]:
    """Like `score`, but a prediction of the right type that overlaps the labelled span counts."""
    table = {kind: [0, 0, 0] for kind in NUMBER_TYPES}
    for text, gold in corpus:
        predicted = [(k, s, e) for k, s, e in predict(text) if k in table]
        matched: set[int] = set()
        for kind, start, end in predicted:
            hit = next(
                (i for i, (k, s, e) in enumerate(gold) if k == kind and s < end and start < e and i not in matched),
                None,
            )
            if hit is None:
                table[kind][1] += 1
            else:
                matched.add(hit)
                table[kind][0] += 1
        for i, (kind, _, _) in enumerate(gold):
            if i not in matched:
                table[kind][2] += 1
    return {kind: (tp, fp, fn) for kind, (tp, fp, fn) in table.items()}


def pr(cell: tuple[int, int, int]) -> tuple[float, float]:
    tp, fp, fn = cell
    return (tp / (tp + fp) if tp + fp else 1.0), (tp / (tp + fn) if tp + fn else 1.0)


def throughput(predict: Predict, text: str, message_chars: int, repeats: int) -> tuple[float, float]:
    """Median MB/s of UTF-8 over `repeats` passes, the text cut into messages of `message_chars`:
    (per CPU second of this process, per wall-clock second). The scan is single-threaded, so CPU time
    is the one-core figure; wall time also counts whatever else the machine was running."""
    messages = [text[i : i + message_chars] for i in range(0, len(text), message_chars)]
    size = len(text.encode("utf-8")) / 1e6
    cpu, wall = [], []
    for _ in range(repeats):
        started, started_cpu = time.perf_counter(), time.process_time()
        for message in messages:
            predict(message)
        cpu.append(size / (time.process_time() - started_cpu))
        wall.append(size / (time.perf_counter() - started))
    return statistics.median(cpu), statistics.median(wall)


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--per-type", type=int, default=2000, help="labelled positives per type")
    parser.add_argument("--negatives", type=int, default=6000, help="hard-negative samples")
    parser.add_argument("--mb", type=float, default=4.0, help="MB of mixed Korean text for throughput")
    parser.add_argument("--repeats", type=int, default=5, help="throughput passes (the median is shown)")
    parser.add_argument("--presidio-mb", type=float, default=0.5, help="MB of the same text for Presidio's throughput")
    args = parser.parse_args()

    corpus = list(samples(seed=20261122, per_type=args.per_type, negatives=args.negatives))
    engines: list[tuple[str, Predict]] = [("govbot", govbot)]
    other, note = presidio()
    if other is not None:
        engines.append(("Presidio", other))
    print(
        f"corpus: {len(corpus):,} samples ({args.per_type:,} positives per type, {args.negatives:,} hard negatives); {note}"
    )

    exact = {name: score(predict, corpus) for name, predict in engines}
    loose = {name: overlap_score(predict, corpus) for name, predict in engines}
    header = "| type | govbot P | govbot R |" + (
        " Presidio P exact | Presidio R exact | Presidio P overlap | Presidio R overlap |" if other else ""
    )
    print("\n" + header)
    print("|" + "---|" * (header.count("|") - 1))
    misses = []
    for kind in NUMBER_TYPES:
        precision, recall = pr(exact["govbot"][kind])
        if recall < 0.99 or precision < 0.97:
            misses.append(kind)
        row = f"| {kind} | {precision:.4f} | {recall:.4f} |"
        if other:
            if kind == "account":
                row += " — | — | — | — |"
            else:
                pe, re_ = pr(exact["Presidio"][kind])
                po, ro = pr(loose["Presidio"][kind])
                row += f" {pe:.4f} | {re_:.4f} | {po:.4f} | {ro:.4f} |"
        print(row)
    print(
        f"\ngovbot targets (recall >= 0.99, precision >= 0.97): {'met for every number type' if not misses else 'MISSED for ' + ', '.join(misses)}"
    )

    text = mixed_text(int(args.mb * 1e6))
    print(
        f"\nthroughput on {len(text.encode('utf-8')) / 1e6:.1f} MB of mixed Korean office text (one core, median of {args.repeats}):"
    )
    print("| engine | text | MB/s per CPU second | MB/s wall clock |")
    print("|---|---|---|---|")
    rates = {}
    per_char = len(text.encode("utf-8")) / len(text)  # bytes per character of this mix
    message = int(2048 / per_char)
    for shape, chars in (("2 KB messages", message), ("one 1 MB document", int(1e6 / per_char))):
        rates[("govbot", shape)] = throughput(govbot, text, chars, args.repeats)
        cpu, wall = rates[("govbot", shape)]
        print(f"| govbot | {shape} | {cpu:.1f} | {wall:.1f} |")
    if other:
        sample = text[: int(len(text) * args.presidio_mb / args.mb)]
        cpu, wall = throughput(other, sample, message, max(1, args.repeats // 2))
        print(f"| Presidio | 2 KB messages ({len(sample.encode('utf-8')) / 1e6:.1f} MB) | {cpu:.2f} | {wall:.2f} |")
        print(
            f"\ngovbot / Presidio throughput on 2 KB messages (CPU): {rates[('govbot', '2 KB messages')][0] / cpu:.0f}×"
        )
    print("\nrerun: .venv/bin/python benchmarks/pii_detection.py --per-type 2000 --negatives 6000 --mb 4 --repeats 5")


if __name__ == "__main__":
    main()
