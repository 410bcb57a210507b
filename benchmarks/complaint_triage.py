"""Complaint triage: quality on the labelled set, and speed/memory at 10,000 and 100,000 complaints.

Quality (tests/data/complaints_eval.csv, gold topic, urgency and resubmission labels):
  ARI and NMI of the clusters, precision/recall of 긴급, NDCG@10 of the complaint ranking, and
  near-duplicate precision/recall — govbot's triage beside a plain TF-IDF (word) + k-means baseline
  given the gold number of clusters (an advantage the triage does not get), and beside the orders an
  inbox offers (newest first, biggest topic first).
Speed: parse a CSV, mask, cluster, score, route and write the XLSX with no model, each size in a fresh
  process (peak memory = that process's max RSS). Also the throughput of kiwipiepy against the n-gram
  features, which is why the triage does not tokenise morphemes.

Rerun:  .venv/bin/python benchmarks/complaint_triage.py [--quality-only | --shared-only | --speed-only]
        [--sizes 10000 100000]
"""

from __future__ import annotations

import argparse
import csv
import gc
import json
import math
import resource
import subprocess
import sys
import tempfile
import time
from collections import Counter
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

EVAL = ROOT / "tests" / "data" / "complaints_eval.csv"
GAIN = {"긴급": 3, "높음": 2, "보통": 1, "낮음": 0}
AS_OF = datetime(2026, 11, 20, 18, 0)


def run_triage(source, as_of: datetime | None, **options):  # type: ignore[no-untyped-def]
    """The offline triage as `govbot complaints triage` runs it: the shipped app.yaml, kiwipiepy morphemes."""
    from assistants.skills.complaints.nouns import KiwiNouns
    from assistants.skills.complaints.pipeline import triage
    from assistants.skills.registry import load_office_config

    config = load_office_config(ROOT / "app.yaml")
    options.setdefault("nouns", KiwiNouns())
    return triage(
        source,
        settings=config.complaints,
        departments=config.departments,
        actions=dict(config.filters.pii),
        as_of=as_of,
        **options,
    )


def ndcg_at(order: list[int], gold_levels: list[str], k: int = 10) -> float:
    gains = [GAIN[gold_levels[i]] for i in order[:k]]
    ideal = sorted((GAIN[g] for g in gold_levels), reverse=True)[:k]
    dcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(gains))
    idcg = sum((2**g - 1) / math.log2(rank + 2) for rank, g in enumerate(ideal))
    return dcg / idcg if idcg else 0.0


def pair_scores(predicted_groups: list[int], gold_pairs: set[tuple[int, int]]) -> tuple[float, float]:
    by_group: dict[int, list[int]] = {}
    for index, group in enumerate(predicted_groups):
        by_group.setdefault(group, []).append(index)
    predicted = {(a, b) for members in by_group.values() for i, a in enumerate(members) for b in members[i + 1 :]}
    hits = len(predicted & gold_pairs)
    return (hits / len(predicted) if predicted else 1.0), (hits / len(gold_pairs) if gold_pairs else 1.0)


def evaluate(name: str, rows: list[dict[str, str]], data: bytes) -> list[tuple[str, ...]]:
    """govbot's triage and the baselines on one labelled list."""
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from assistants.skills.complaints.parsing import read_file

    gold = [r["gold_cluster"] for r in rows]
    levels = [r["gold_urgency"] for r in rows]
    index_of = {r["접수번호"]: i for i, r in enumerate(rows)}
    dup_pairs = {
        tuple(sorted((index_of[r["gold_duplicate_of"]], i))) for i, r in enumerate(rows) if r["gold_duplicate_of"]
    }
    source = read_file(f"{name}.csv", data)
    started = time.perf_counter()
    result = run_triage(source, AS_OF)
    elapsed = time.perf_counter() - started
    predicted = [c.cluster for c in result.complaints]
    predicted_levels = [c.priority.level for c in result.complaints]
    urgent = [i for i, level in enumerate(predicted_levels) if level == "긴급"]
    urgent_precision = sum(levels[i] == "긴급" for i in urgent) / len(urgent) if urgent else 0.0
    urgent_recall = sum(predicted_levels[i] == "긴급" for i, g in enumerate(levels) if g == "긴급") / max(
        1, levels.count("긴급")
    )
    row_to_index = {c.complaint.row: i for i, c in enumerate(result.complaints)}
    groups = [i if c.duplicate_of is None else row_to_index[c.duplicate_of] for i, c in enumerate(result.complaints)]
    dup_p, dup_r = pair_scores(groups, dup_pairs)
    texts = [f"{r['제목']}\n{r['내용']}" for r in rows]
    k = len(set(gold))
    baseline = KMeans(n_clusters=k, n_init=10, random_state=0).fit_predict(TfidfVectorizer().fit_transform(texts))
    newest = sorted(range(len(rows)), key=lambda i: rows[i]["접수일시"], reverse=True)
    sizes = {label: predicted.count(label) for label in set(predicted)}
    biggest = sorted(range(len(rows)), key=lambda i: (-sizes[predicted[i]], rows[i]["접수일시"]))
    return [
        (
            f"{name}: govbot triage (k chosen from data)",
            str(result.k),
            f"{adjusted_rand_score(gold, predicted):.3f}",
            f"{normalized_mutual_info_score(gold, predicted):.3f}",
            f"{urgent_precision:.3f}",
            f"{urgent_recall:.3f}",
            f"{ndcg_at(result.ranked_complaints(), levels):.3f}",
            f"{dup_p:.3f}",
            f"{dup_r:.3f}",
            f"{elapsed:.2f}",
        ),
        (
            f"{name}: TF-IDF (words) + k-means, gold k={k}",
            str(k),
            f"{adjusted_rand_score(gold, baseline):.3f}",
            f"{normalized_mutual_info_score(gold, baseline):.3f}",
            "—",
            "—",
            "—",
            "—",
            "—",
            "",
        ),
        (f"{name}: inbox order, newest first", "", "", "", "", "", f"{ndcg_at(newest, levels):.3f}", "", "", ""),
        (
            f"{name}: inbox order, biggest topic first",
            "",
            "",
            "",
            "",
            "",
            f"{ndcg_at(biggest, levels):.3f}",
            "",
            "",
            "",
        ),
    ]


RANK = {"긴급": 3, "높음": 2, "보통": 1, "낮음": 0}


def shared_quality() -> list[tuple[str, ...]] | None:
    """govbot's triage of the whole 420-complaint list in ../shared/complaints, scored separately on the
    development rows and the held-back rows (row % 5 == 0), beside character TF-IDF + k-means at the same k."""
    from scipy.stats import spearmanr
    from sklearn.cluster import KMeans
    from sklearn.feature_extraction.text import TfidfVectorizer
    from sklearn.metrics import adjusted_rand_score, normalized_mutual_info_score

    from assistants.skills.complaints.parsing import read_file
    from tests.support.shared_complaints import find, load

    folder = find()
    if folder is None:
        return None
    data, labels = load(folder)
    source = read_file("complaints.csv", data)
    started = time.process_time()
    result = run_triage(source, None)  # read at the list's own date, as the CLI without --as-of
    cpu = time.process_time() - started
    predicted = [c.cluster for c in result.complaints]
    texts = [c.text for c in source.complaints]
    baseline = KMeans(n_clusters=max(2, result.k), n_init=10, random_state=0).fit_predict(
        TfidfVectorizer(analyzer="char_wb", ngram_range=(2, 3), sublinear_tf=True).fit_transform(texts)
    )
    first_row = source.complaints[0].row  # the file's row number of data row 0
    gold_group = [label.duplicate_of if label.duplicate_of is not None else label.row for label in labels]
    found_group = [
        (c.duplicate_of - first_row) if c.duplicate_of is not None else c.complaint.row - first_row
        for c in result.complaints
    ]
    levels = [c.priority.level for c in result.complaints]
    order = [RANK[c.priority.level] * 1000 + c.priority.score for c in result.complaints]
    k_sizes = sorted(Counter(predicted).values(), reverse=True)
    table = [
        (
            "part",
            "method",
            "clusters (largest)",
            "NMI topic",
            "ARI topic",
            "NMI dept",
            "Spearman priority",
            "긴급+높음 P",
            "긴급+높음 R",
            "낮음→긴급",
            "dup-link P",
            "dup-link R",
            "CPU s",
        )
    ]
    for part, keep in (("dev (336)", lambda r: r % 5 != 0), ("held-back (84)", lambda r: r % 5 == 0)):
        rows = [label.row for label in labels if keep(label.row)]
        topics = [labels[r].topic for r in rows]
        departments = [labels[r].department for r in rows]
        gold_high = {r for r in rows if labels[r].urgency in ("긴급", "높음")}
        found_high = {r for r in rows if levels[r] in ("긴급", "높음")}
        low_urgent = sum(1 for r in rows if labels[r].urgency == "낮음" and levels[r] == "긴급")
        gold_pairs = {(a, b) for a in rows for b in range(len(labels)) if a != b and gold_group[a] == gold_group[b]}
        found_pairs = {(a, b) for a in rows for b in range(len(labels)) if a != b and found_group[a] == found_group[b]}
        hits = len(gold_pairs & found_pairs)
        table.append(
            (
                part,
                "govbot triage",
                f"{result.k} ({k_sizes[0] if k_sizes else 0})",
                f"{normalized_mutual_info_score(topics, [predicted[r] for r in rows]):.3f}",
                f"{adjusted_rand_score(topics, [predicted[r] for r in rows]):.3f}",
                f"{normalized_mutual_info_score(departments, [predicted[r] for r in rows]):.3f}",
                f"{spearmanr([RANK[labels[r].urgency] for r in rows], [order[r] for r in rows])[0]:.3f}",
                f"{len(gold_high & found_high) / max(1, len(found_high)):.3f}",
                f"{len(gold_high & found_high) / max(1, len(gold_high)):.3f}",
                str(low_urgent),
                f"{hits / len(found_pairs):.3f}" if found_pairs else "—",
                f"{hits / len(gold_pairs):.3f}" if gold_pairs else "—",
                f"{cpu:.2f} (all 420)",
            )
        )
        table.append(
            (
                part,
                f"char TF-IDF + k-means, k={max(2, result.k)}",
                str(max(2, result.k)),
                f"{normalized_mutual_info_score(topics, [baseline[r] for r in rows]):.3f}",
                f"{adjusted_rand_score(topics, [baseline[r] for r in rows]):.3f}",
                f"{normalized_mutual_info_score(departments, [baseline[r] for r in rows]):.3f}",
                *("—",) * 6,
                "",
            )
        )
    # Speed at the size: the set three times over (1,260 complaints of real length), tokenizer loaded.
    header, _, body = data.decode("utf-8").partition("\n")
    tripled = read_file(
        "complaints3.csv",
        (header + "\n" + body.rstrip("\n") + "\n").encode("utf-8") + (body.rstrip("\n") + "\n").encode("utf-8") * 2,
    )
    started = time.process_time()
    bigger = run_triage(tripled, None)
    table.append(
        (
            "speed",
            f"govbot triage of {len(tripled.complaints):,} complaints (the set ×3)",
            str(bigger.k),
            *("",) * 9,
            f"{time.process_time() - started:.2f}",
        )
    )
    return table


def quality() -> list[tuple[str, ...]]:
    from tests.support.complaint_corpus import generate, to_csv

    table = [
        (
            "method",
            "clusters",
            "ARI",
            "NMI",
            "긴급 precision",
            "긴급 recall",
            "NDCG@10",
            "dup precision",
            "dup recall",
            "seconds",
        )
    ]
    table += evaluate("eval", list(csv.DictReader(EVAL.open(encoding="utf-8"))), EVAL.read_bytes())
    held_out = generate(seed=8)  # the same generator, other draws: not used while tuning
    table += evaluate("held-out", held_out, to_csv(held_out).encode("utf-8"))
    try:
        import bertopic  # noqa: F401

        table.append(
            (
                "BERTopic",
                "",
                "not run: needs a sentence-transformers model from a hub (no network here)",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            )
        )
    except ImportError:
        table.append(
            (
                "BERTopic",
                "",
                "not installed: it needs a sentence-transformers model downloaded from a hub, impossible offline",
                "",
                "",
                "",
                "",
                "",
                "",
                "",
            )
        )
    return table


def write_list(count: int, path: Path) -> None:
    """The generated list of `count` complaints as an office exports it (made in the parent process, so the
    child's peak memory is the CLI's: the file, not the generator)."""
    from tests.support.complaint_corpus import HEADER, scaled, to_csv

    path.write_bytes(to_csv(scaled(count), HEADER[:8]).encode("utf-8"))


def one_size(path: Path) -> dict[str, float]:
    """Runs in a child process: the whole offline triage of the list at `path`, timed by stage (wall seconds,
    and CPU seconds of this process and of its masking/reading workers)."""
    from assistants.skills.complaints.export import xlsx_bytes
    from assistants.skills.complaints.nouns import KiwiNouns
    from assistants.skills.complaints.parsing import read_file

    data = path.read_bytes()
    cpu_started = _cpu()
    stages: dict[str, float] = {}
    mark = time.perf_counter()
    started = mark

    def progress(stage: str, done: int, total: int) -> None:
        nonlocal mark
        now = time.perf_counter()
        stages[stage] = stages.get(stage, 0.0) + now - mark
        mark = now

    gc.disable()  # as the CLI does: collection passes over 10^5 live complaints cost more than they free
    nouns = KiwiNouns()
    source = read_file("bench.csv", data)
    progress("parse", 0, 0)
    result = run_triage(source, AS_OF, progress=progress, nouns=nouns, workers=2)
    progress("analyse", 0, 0)
    xlsx_bytes(result)
    progress("xlsx", 0, 0)
    stages["total"] = time.perf_counter() - started
    stages["cpu"] = _cpu() - cpu_started
    if (
        len(source.complaints) <= 20_000
    ):  # again in the same process: a running server has kiwipiepy's model loaded already
        warm = time.perf_counter()
        result = run_triage(read_file("bench.csv", data), AS_OF, nouns=nouns, workers=2)
        xlsx_bytes(result)
        stages["warm"] = time.perf_counter() - warm
    stages["clusters"] = result.k
    stages["chars"] = sum(len(c.text) for c in source.complaints) / max(1, len(source.complaints))
    stages["peak_mb"] = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return stages


def _cpu() -> float:
    """CPU seconds of this process and of its finished children (the masking and reading workers)."""
    own, children = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def kiwi_throughput() -> tuple[float, float]:
    from kiwipiepy import Kiwi

    from assistants.skills.complaints.features import tfidf_matrix
    from tests.support.complaint_corpus import scaled

    texts = [r["내용"] for r in scaled(300)]
    chars = sum(len(t) for t in texts)
    kiwi = Kiwi()
    kiwi.tokenize(texts[0])
    started = time.perf_counter()
    for text in texts:
        kiwi.tokenize(text)
    kiwi_rate = chars / (time.perf_counter() - started)
    started = time.perf_counter()
    tfidf_matrix(texts * 10)
    return kiwi_rate, chars * 10 / (time.perf_counter() - started)


def print_table(rows: list[tuple[str, ...]]) -> None:
    print("| " + " | ".join(rows[0]) + " |")
    print("|" + "---|" * len(rows[0]))
    for row in rows[1:]:
        print("| " + " | ".join(row) + " |")


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--quality-only", action="store_true")
    parser.add_argument("--shared-only", action="store_true", help="only the ../shared/complaints evaluation")
    parser.add_argument("--speed-only", action="store_true", help="only speed and memory at --sizes")
    parser.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000])
    parser.add_argument("--child", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(one_size(args.child)))
        return
    shared = None if args.speed_only else shared_quality()
    if args.speed_only:
        pass
    elif shared is None:
        print("../shared/complaints not found: the hand-written set is skipped\n")
    else:
        print("Quality on ../shared/complaints (420 hand-written complaints; k chosen by govbot)\n")
        print_table(shared)
        print()
    if args.shared_only:
        return
    if not args.speed_only:
        print(f"Quality on {EVAL.relative_to(ROOT)}\n")
        print_table(quality())
    if args.quality_only:
        return
    kiwi_rate, ngram_rate = kiwi_throughput()
    print(
        f"\nFeatures, one core: kiwipiepy tokenize {kiwi_rate:,.0f} chars/s; syllable n-gram TF-IDF {ngram_rate:,.0f} chars/s\n"
    )
    rows = [
        (
            "complaints",
            "avg chars",
            "clusters",
            "parse s",
            "mask+read s (2 processes)",
            "features+cluster+score+keywords s",
            "xlsx s",
            "total s (fresh process, as the CLI)",
            "CPU s (all processes)",
            "total s (again in the same process)",
            "peak MB",
        )
    ]
    for size in args.sizes:
        with tempfile.TemporaryDirectory() as folder:
            listed = Path(folder) / f"complaints_{size}.csv"
            write_list(size, listed)
            output = subprocess.run(
                [sys.executable, __file__, "--child", str(listed)], capture_output=True, text=True, check=True, cwd=ROOT
            ).stdout
        s = json.loads(output.strip().splitlines()[-1])
        analysed = sum(s.get(k, 0.0) for k in ("features", "cluster", "score", "analyse"))
        rows.append(
            (
                f"{size:,}",
                f"{s['chars']:.0f}",
                f"{s['clusters']:.0f}",
                f"{s.get('parse', 0):.1f}",
                f"{s.get('mask', 0):.1f}",
                f"{analysed:.1f}",
                f"{s.get('xlsx', 0):.1f}",
                f"{s['total']:.1f}",
                f"{s['cpu']:.1f}",
                f"{s['warm']:.1f}" if "warm" in s else "—",
                f"{s['peak_mb']:.0f}",
            )
        )
    print_table(rows)
    print("\nRerun: .venv/bin/python benchmarks/complaint_triage.py")


if __name__ == "__main__":
    main()
