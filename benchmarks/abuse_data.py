"""Public labelled Korean abuse data sets, read from paths given on the command line (never committed).

- Curse-detection-data (github 2runo/Curse-detection-data, MIT licence): 5,825 community comments,
  `text|label` per line, label 1 = abusive (2,044). Split deterministically by a hash of the text:
  `dev` (about 70%, what the lexicon and the classifier may be tuned and trained on) and `test`
  (about 30%, held back: only reported, never looked at while tuning). Get it with
  `git clone https://github.com/2runo/Curse-detection-data` and pass `.../dataset.txt`.
- Korean HateSpeech Dataset (github kocohub/korean-hate-speech, CC BY-SA 4.0): news comments labelled
  hate / offensive / none; its `labeled/dev.tsv` (471 rows) is used for evaluation only, never for
  training (a model trained on it could be a ShareAlike derivative), so it is a second independent test.
- Clean official text: the statutes in ../shared/laws/ (one sentence per line) and the citizen
  complaints in ../shared/complaints/complaints.csv (clean-ish: citizens' own words, some angry).
"""

from __future__ import annotations

import csv
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path


def _shared() -> Path:
    """../shared next to the checkout, or /work/shared from a worktree one level deeper (never silently empty)."""
    for candidate in (Path(__file__).resolve().parents[2] / "shared", Path(__file__).resolve().parents[3] / "shared"):
        if (candidate / "laws").is_dir():
            return candidate
    raise SystemExit("the shared statutes and complaints (../shared/laws, ../shared/complaints) were not found")


SHARED = _shared()
TEST_SHARE = 3  # of 10 hash buckets held back


@dataclass(frozen=True, slots=True)
class Sample:
    text: str
    abusive: bool
    group: str = ""  # a finer label where the set has one (kocohub: hate / offensive)


def text_key(text: str) -> str:
    """The SHA-1 of a comment's text: how committed labels name a comment without holding its text."""
    return hashlib.sha1(text.strip().encode("utf-8")).hexdigest()


def split_of(text: str) -> str:
    """`dev` or `test`, fixed by the text alone (duplicates land on the same side)."""
    return "test" if int(text_key(text)[:2], 16) % 10 < TEST_SHARE else "dev"


def curse_detection(path: Path) -> dict[str, list[Sample]]:
    """{"dev": [...], "test": [...]} from 2runo's dataset.txt."""
    out: dict[str, list[Sample]] = {"dev": [], "test": []}
    for line in path.read_text(encoding="utf-8").splitlines():
        if "|" not in line:
            continue
        text, label = line.rsplit("|", 1)
        if label.strip() not in {"0", "1"}:
            continue
        out[split_of(text)].append(Sample(text.strip(), label.strip() == "1"))
    return out


def kocohub(path: Path) -> list[Sample]:
    """kocohub's labeled/dev.tsv: comments, contain_gender_bias, bias, hate."""
    rows = []
    with path.open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle, delimiter="\t"):
            hate = row["hate"].strip()
            rows.append(Sample(row["comments"].strip(), hate != "none", hate))
    return rows


_SENTENCE = re.compile(r"(?<=[.다])\s+|\n+")


def statutes(root: Path = SHARED / "laws") -> list[str]:
    """Statute sentences (Markdown headings and table rules dropped)."""
    out = []
    for path in sorted(root.rglob("*.md")):
        if path.name == "SOURCE.md":
            continue
        for piece in _SENTENCE.split(path.read_text(encoding="utf-8")):
            piece = piece.strip(" #|-\t")
            if len(piece) >= 4:
                out.append(piece)
    return out


def assistant_texts(root: Path = Path(__file__).resolve().parents[1] / "assistants" / "builtin") -> list[str]:
    """Every string in the built-in assistants' YAML (prompts, examples, templates)."""
    import yaml

    def walk(node: object) -> list[str]:
        if isinstance(node, str):
            return [node]
        if isinstance(node, dict):
            return [s for value in node.values() for s in walk(value)]
        if isinstance(node, list):
            return [s for value in node for s in walk(value)]
        return []

    return [s for path in sorted(root.glob("*.yaml")) for s in walk(yaml.safe_load(path.read_text(encoding="utf-8")))]


def complaints(path: Path = SHARED / "complaints" / "complaints.csv") -> list[str]:
    with path.open(encoding="utf-8") as handle:
        return [f"{row['제목']}\n{row['내용']}" for row in csv.DictReader(handle)]
