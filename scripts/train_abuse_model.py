"""Train bot/wordfilter/abuse_model_ko.json: char 1-3-gram features (bot/wordfilter/classifier.py), an
L1-regularised logistic regression (scikit-learn) so only a few thousand n-grams keep a weight.

Data: 2runo/Curse-detection-data dataset.txt (MIT licence: training and shipping the model are allowed; the
notice is in THIRD_PARTY_NOTICES.md), its `dev` split only (benchmarks/abuse_data.py); the held-back `test`
split is never read here. The threshold is chosen by 5-fold cross-validation on dev so that the lexicon and
the classifier together raise false alarms on at most --target-fa of the clean dev comments.

Rerun:
  .venv/bin/python scripts/train_abuse_model.py --curse dataset.txt > bot/wordfilter/abuse_model_ko.json
"""

from __future__ import annotations

import argparse
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


def design(texts: list[str], vectorizer: CountVectorizer, fit: bool) -> csr_matrix:
    grams = [features(text) for text in texts]
    matrix = vectorizer.fit_transform(grams) if fit else vectorizer.transform(grams)
    return diags(np.array([scale(text) for text in texts])) @ matrix  # the same scaling as at run time


def model(c: float) -> LogisticRegression:
    return LogisticRegression(l1_ratio=1.0, solver="liblinear", C=c, class_weight="balanced", max_iter=2000)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--curse", type=Path, required=True)
    parser.add_argument("--c", type=float, default=8.0)
    parser.add_argument("--target-fa", type=float, default=0.03)
    args = parser.parse_args()

    dev = curse_detection(args.curse)["dev"]
    texts = [s.text for s in dev]
    labels = np.array([s.abusive for s in dev])
    lexicon = WordMatcher.from_lists()
    lexicon_hit = np.array([bool(lexicon.find(t)) for t in texts])

    def analyzer(grams: set[str]) -> list[str]:
        return list(grams)

    # Out-of-fold scores on dev choose the threshold.
    out_of_fold = np.zeros(len(texts))
    for train, held in StratifiedKFold(5, shuffle=True, random_state=0).split(texts, labels):
        vectorizer = CountVectorizer(analyzer=analyzer, binary=True, min_df=2)
        x_train = design([texts[i] for i in train], vectorizer, fit=True)
        fitted = model(args.c).fit(x_train, labels[train])
        out_of_fold[held] = fitted.decision_function(design([texts[i] for i in held], vectorizer, fit=False))
    clean = ~labels
    threshold = 0.0
    for candidate in np.arange(-2.0, 30.0, 0.05):
        flagged = lexicon_hit | (out_of_fold >= candidate)
        if flagged[clean].mean() <= args.target_fa:
            threshold = float(candidate)
            break
    flagged = lexicon_hit | (out_of_fold >= threshold)
    print(
        f"dev 5-fold: threshold {threshold:.2f}, lexicon+classifier recall {flagged[labels].mean():.3f}, "
        f"false alarms {flagged[clean].mean():.3f}; classifier alone recall {(out_of_fold >= threshold)[labels].mean():.3f}",
        file=sys.stderr,
    )

    vectorizer = CountVectorizer(analyzer=analyzer, binary=True, min_df=2)
    fitted = model(args.c).fit(design(texts, vectorizer, fit=True), labels)
    names = vectorizer.get_feature_names_out()
    coefficients = fitted.coef_[0]
    weights = {str(names[i]): round(float(coefficients[i]), 4) for i in np.flatnonzero(coefficients)}
    print(f"{len(weights)} n-grams with a weight", file=sys.stderr)
    json.dump(
        {
            "about": "char 1-3-gram logistic regression trained by scripts/train_abuse_model.py on the dev split of "
            "2runo/Curse-detection-data (MIT, (c) 2020 2runo; notice in THIRD_PARTY_NOTICES.md)",
            "bias": round(float(fitted.intercept_[0]), 4),
            "threshold": round(threshold, 2),
            "weights": weights,
        },
        sys.stdout,
        ensure_ascii=False,
        separators=(",", ":"),
        sort_keys=True,
    )


if __name__ == "__main__":
    main()
