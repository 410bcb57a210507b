"""Train bot/wordfilter/abuse_model_ko.json: character 1-4-grams of each word plus words and word pairs
(bot/wordfilter/classifier.features), length-scaled presence, a logistic regression (scikit-learn); only the
--keep strongest weights are shipped, so the file stays small and scoring stays well under 1 ms per 2 KB.

Data (read from paths given here, never committed):
  --curse  2runo/Curse-detection-data dataset.txt (MIT, (c) 2020 2runo): its `dev` split only
           (benchmarks/abuse_data.py); the held-back `test` split is never read here.
  --zizun  optional: Dataset.csv of github ZIZUN/korean-malicious-comments-dataset (MIT, (c) 2020 ZIZUN), label
           0 = malicious. That file also re-labels comments of kocohub/korean-hate-speech (CC BY-SA 4.0) and
           copies 2runo's abusive comments; every row whose text is in either of those sets (--kocohub-dir, and
           all of 2runo, both splits) is dropped, so only the rows ZIZUN labelled themselves are used, and no
           held-back 2runo text can enter training.
Both notices are in THIRD_PARTY_NOTICES.md.

Threshold: 5-fold cross-validation on the 2runo dev split (the extra rows are only ever added to the training
folds) gives every dev comment an out-of-fold score; the threshold is the lowest at which the classifier adds
false alarms on at most --target-fa of the clean dev comments that the lexicon does not already flag.

Rerun:
  .venv/bin/python scripts/train_abuse_model.py --curse dataset.txt [--zizun Dataset.csv \
      --kocohub-dir korean-hate-speech] > bot/wordfilter/abuse_model_ko.json
"""

from __future__ import annotations

import argparse
import csv
import json
import sys
from pathlib import Path

import numpy as np
from scipy.sparse import csr_matrix, diags
from sklearn.feature_extraction.text import CountVectorizer
from sklearn.linear_model import LogisticRegression
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from abuse_data import curse_detection  # noqa: E402

from bot.wordfilter import WordMatcher  # noqa: E402
from bot.wordfilter.classifier import features, scale  # noqa: E402


def _same(text: str) -> str:
    return " ".join(text.split())


def zizun_own_rows(path: Path, kocohub_dir: Path, curse_texts: set[str]) -> tuple[list[str], list[bool]]:
    """ZIZUN's own labels: rows not taken from kocohub (any split) or from 2runo (any split)."""
    taken = set(curse_texts)
    for name in ("labeled/train.tsv", "labeled/dev.tsv"):
        with (kocohub_dir / name).open(encoding="utf-8") as handle:
            taken.update(_same(row["comments"]) for row in csv.DictReader(handle, delimiter="\t"))
    unlabeled = kocohub_dir / "test.no_label.tsv"
    if unlabeled.exists():
        taken.update(_same(line.split("\t")[0]) for line in unlabeled.read_text(encoding="utf-8").splitlines())
    texts, labels = [], []
    with path.open(encoding="utf-8-sig") as handle:
        for row in csv.reader(handle, delimiter="\t"):
            if len(row) < 2 or row[1].strip() not in {"0", "1"} or _same(row[0]) in taken:
                continue
            texts.append(row[0].strip())
            labels.append(row[1].strip() == "0")
    return texts, labels


def design(texts: list[str], vectorizer: CountVectorizer, fit: bool) -> csr_matrix:
    grams = [features(text) for text in texts]
    matrix = vectorizer.fit_transform(grams) if fit else vectorizer.transform(grams)
    return diags(np.array([scale(text) for text in texts])) @ matrix  # the same scaling as at run time


def _analyzer(grams: set[str]) -> list[str]:
    return list(grams)


def fit(texts: list[str], labels: np.ndarray, c: float, keep: int) -> tuple[dict[str, float], float]:
    """Weights of the `keep` strongest n-grams and the bias, refitted on those n-grams alone."""
    vectorizer = CountVectorizer(analyzer=_analyzer, binary=True, min_df=2)
    matrix = design(texts, vectorizer, fit=True)
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(matrix, labels)
    strongest = np.argsort(-np.abs(model.coef_[0]))[:keep]
    model = LogisticRegression(C=c, class_weight="balanced", max_iter=3000).fit(matrix[:, strongest], labels)
    names = vectorizer.get_feature_names_out()[strongest]
    weights = {str(name): round(float(w), 4) for name, w in zip(names, model.coef_[0]) if round(float(w), 4)}
    return weights, float(model.intercept_[0])


def score(weights: dict[str, float], bias: float, text: str) -> float:
    return bias + sum(weights.get(gram, 0.0) for gram in features(text)) * scale(text)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--curse", type=Path, required=True)
    parser.add_argument("--zizun", type=Path)
    parser.add_argument("--kocohub-dir", type=Path, help="a checkout of kocohub/korean-hate-speech (to drop its rows)")
    parser.add_argument("--c", type=float, default=4.0)
    parser.add_argument("--keep", type=int, default=12000)
    parser.add_argument("--target-fa", type=float, default=0.01)
    args = parser.parse_args()

    split = curse_detection(args.curse)
    dev = split["dev"]
    texts = [s.text for s in dev]
    labels = np.array([s.abusive for s in dev])
    extra_texts: list[str] = []
    extra_labels: list[bool] = []
    if args.zizun:
        if args.kocohub_dir is None:
            parser.error("--zizun needs --kocohub-dir: its kocohub rows must be dropped")
        curse_texts = {_same(s.text) for part in split.values() for s in part}
        extra_texts, extra_labels = zizun_own_rows(args.zizun, args.kocohub_dir, curse_texts)
        print(f"ZIZUN's own rows: {len(extra_texts)} ({sum(extra_labels)} malicious)", file=sys.stderr)
    lexicon = WordMatcher.from_lists()
    lexicon_hit = np.array([bool(lexicon.find(t)) for t in texts])

    out_of_fold = np.zeros(len(texts))
    for train, held in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        weights, bias = fit(
            [texts[i] for i in train] + extra_texts,
            np.concatenate([labels[train], np.array(extra_labels, dtype=bool)]),
            args.c,
            args.keep,
        )
        out_of_fold[held] = [score(weights, bias, texts[i]) for i in held]
    clean_unflagged = out_of_fold[~labels & ~lexicon_hit]
    threshold = float(np.quantile(clean_unflagged, 1 - args.target_fa))
    threshold = round(threshold + 0.005, 2)  # stored rounded: round up so the bound still holds
    flagged = lexicon_hit | (out_of_fold >= threshold)
    alone = out_of_fold >= threshold
    print(
        f"dev 5-fold (validation): threshold {threshold:.2f}; classifier alone recall {alone[labels].mean():.3f}, "
        f"false alarms {alone[~labels].mean():.3f}; lexicon+classifier recall {flagged[labels].mean():.3f}, "
        f"false alarms {flagged[~labels].mean():.3f}",
        file=sys.stderr,
    )

    weights, bias = fit(
        texts + extra_texts, np.concatenate([labels, np.array(extra_labels, dtype=bool)]), args.c, args.keep
    )
    print(f"{len(weights)} n-grams with a weight", file=sys.stderr)
    sources = "the dev split of 2runo/Curse-detection-data (MIT, (c) 2020 2runo)"
    if args.zizun:
        sources += " and the rows ZIZUN/korean-malicious-comments-dataset labelled itself (MIT, (c) 2020 ZIZUN)"
    json.dump(
        {
            "about": "logistic regression on character 1-4-grams, words and word pairs, trained by "
            f"scripts/train_abuse_model.py on {sources}; notices in THIRD_PARTY_NOTICES.md",
            "bias": round(bias, 4),
            "threshold": threshold,
            "weights": weights,
        },
        sys.stdout,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


if __name__ == "__main__":
    main()
