"""The classifier's training script must never let a held-back comment in: ZIZUN's data set copies 2runo's and
kocohub's comments with small edits (spacing, punctuation, emoji, truncation); every such copy is dropped."""

from __future__ import annotations

import hashlib
import importlib
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SHARED = [p for p in (ROOT.parent / "shared", ROOT.parents[1] / "shared") if (p / "laws").is_dir()]
pytestmark = pytest.mark.skipif(not SHARED, reason="../shared (read by benchmarks/abuse_data.py) is not here")


@pytest.fixture(scope="module")
def training():
    sys.path[:0] = [str(ROOT / "scripts"), str(ROOT / "benchmarks")]
    try:
        yield importlib.import_module("train_abuse_model")
    finally:
        del sys.path[:2]


def test_copies_of_other_sets_are_dropped_however_they_were_edited(training, tmp_path):
    koco = tmp_path / "koco"
    (koco / "labeled").mkdir(parents=True)
    header = "comments\tcontain_gender_bias\tbias\thate\n"
    (koco / "labeled" / "train.tsv").write_text(
        header + "연예인 기사에 달린 댓글 하나입니다 진짜로\tFalse\tnone\tnone\n"
    )
    (koco / "labeled" / "dev.tsv").write_text(header)
    held_back = "이 한국의 화이트 컬러라고 깝치는 새기들 속마음을 알수 있었던 계기"
    rows = [
        ("이 한국의  화이트컬러라고 깝치는 새기들, 속마음을 알수 있었던 계기!!", "0"),  # 2runo, re-spaced
        ("연예인 기사에 달린 댓글 하나입니다 진짜로 ㅋㅋ", "1"),  # kocohub, an emoji-like tail
        ("화이트 컬러라고 깝치는 새기들 속마음을", "0"),  # 2runo, truncated
        ("ZIZUN이 직접 단 댓글 예시 문장입니다", "1"),
        ("또 다른 직접 라벨 문장, 욕설 있음 ㅅㅂ", "0"),
    ]
    dataset = tmp_path / "Dataset.csv"
    dataset.write_text("\n".join(f"{text}\t{label}" for text, label in rows), encoding="utf-8")

    texts, labels = training.zizun_own_rows(dataset, koco, {training._same(held_back)})

    assert texts == ["ZIZUN이 직접 단 댓글 예시 문장입니다", "또 다른 직접 라벨 문장, 욕설 있음 ㅅㅂ"]
    assert labels == [False, True]  # label 0 = malicious


def test_kmhas_profanity_is_abusive_none_is_clean_and_discrimination_alone_is_left_out(training, tmp_path):
    held_back = "2runo에서 가져온 댓글 그대로 옮겨 적은 문장"
    kmhas = tmp_path / "kmhas_test.txt"
    rows = [
        ("document", "label"),  # the header: not a row
        ("오면 화염병 던진다 돼지새키야", "1,3"),  # looks + profanity
        ("다들 오지랖 좀 되게 할 짓 없어보여요", "8"),
        ("깨끗한 나라 만든다면서 왜 이런 사건이 터지냐", "2"),  # politics alone: an opinion, left out
        ("2runo에서 가져온 댓글, 그대로 옮겨 적은 문장!!", "3"),  # a copy of a 2runo comment
        ("", "3"),
    ]
    kmhas.write_text("\n".join(f"{text}\t{label}" for text, label in rows), encoding="utf-8")

    texts, labels = training.kmhas_rows(kmhas, training.Copies({training._same(held_back)}))

    assert texts == ["오면 화염병 던진다 돼지새키야", "다들 오지랖 좀 되게 할 짓 없어보여요"]
    assert labels == [True, False]


def test_a_truncated_copy_either_way_is_a_copy(training):
    copies = training.Copies({training._same("이 한국의 화이트 컬러라고 깝치는 새기들 속마음")})
    assert "화이트 컬러라고 깝치는 새기들" in copies  # a piece of a known comment
    assert "ㅋㅋ 이 한국의 화이트컬러라고 깝치는 새기들 속마음 ㅋㅋ 진짜" in copies  # a known comment inside
    assert "화이트" not in copies  # too short to call a copy
    assert "전혀 다른 댓글 하나입니다 정말로" not in copies


def test_relabelled_training_keeps_only_the_comments_both_annotators_label_alike(training, tmp_path):
    sample = training.Sample
    dev = [
        sample("이 새끼 진짜 미친놈이네", False),
        sample("존나 맛있다 여기", True),
        sample("오늘 회의 몇 시죠", False),
    ]
    key = {s.text: hashlib.sha1(s.text.encode("utf-8")).hexdigest() for s in dev}
    labels = tmp_path / "relabel.tsv"
    labels.write_text(
        "sha1\ta_label\ta_category\ta_sure\tb_label\tb_category\tb_sure\n"
        f"{key['이 새끼 진짜 미친놈이네']}\t1\tprofanity\t1\t1\tinsult\t1\n"  # both abusive: 2runo's 0 overruled
        f"{key['존나 맛있다 여기']}\t0\t-\t0\t1\tprofanity\t0\n",  # disagreement: left out
        encoding="utf-8",
    )

    kept = training.relabelled(dev, labels)

    assert kept == [sample("이 새끼 진짜 미친놈이네", True)]  # and a comment nobody labelled is left out too
