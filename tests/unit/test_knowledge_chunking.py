"""Structure-aware chunking and branch-number restoring, on the real statute files when present and on
generated article sequences (hypothesis)."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from bot.knowledge.chunking import (
    article_label,
    chunk_document,
    restore_branches,
    split_paragraphs,
)

LAWS = next(
    (p for p in (Path(__file__).resolve().parents[3] / "shared" / "laws", Path("/work/shared/laws")) if p.exists()),
    None,
)
needs_laws = pytest.mark.skipif(LAWS is None, reason="../shared/laws (statute files) is not on this machine")


def _law(folder: str, name: str):  # type: ignore[no-untyped-def]
    assert LAWS is not None
    return chunk_document((LAWS / folder / name).read_text(encoding="utf-8"), name)


@needs_laws
def test_act_articles_get_their_branch_numbers_back():
    doc, chunks = _law("옥외광고물법", "법률.md")
    assert doc.title == "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률"
    assert doc.effective_date == "2026-02-15"
    by_article = {c.article: c for c in chunks if c.article}
    # the conversion wrote these as a second/third/fourth "제N조"
    assert by_article["제2조의2"].heading == "적용상의 주의"
    assert by_article["제4조의4"].heading == "광고물등 자유표시구역"
    assert by_article["제10조의2"].heading == "행정대집행의 특례"
    assert by_article["제10조의3"].heading == "이행강제금"
    assert "500만원 이하의 이행강제금" in by_article["제10조의3"].text
    assert by_article["제8조"].heading == "적용 배제"
    # 항/호 stay inside their article: 제8조 제1항 제8호 (정당 현수막) is in the 제8조 chunk
    assert "정당" in by_article["제8조"].text and "현수막" in by_article["제8조"].text
    assert all(c.effective_date == "2026-02-15" for c in chunks)
    labels = [c.article for c in chunks if c.article]
    assert len(labels) == len(set(labels)), "every article number is unique once branches are restored"


@needs_laws
def test_decree_party_banner_article_is_35_2_with_its_chapter():
    doc, chunks = _law("옥외광고물법", "시행령.md")
    by_article = {c.article: c for c in chunks if c.article}
    banner = by_article["제35조의2"]
    assert banner.heading == "적용 배제"
    assert "현수막" in banner.text and "어린이" in banner.text
    assert banner.path and banner.path[0].startswith("제8장")
    assert by_article["제28조의6"].heading == "광고물등 자유표시구역 협의체의 구성ㆍ운영"
    assert by_article["제35조"].heading == "수당과 여비"


@needs_laws
def test_civil_petitions_branches_match_the_question_writers_count():
    _, act = _law("민원처리법", "법률.md")
    _, decree = _law("민원처리법", "시행령.md")
    assert {c.article: c.heading for c in act}["제7조의2"] == "민원의 날"
    assert {c.article: c.heading for c in decree}["제8조의3"] == "민원실의 운영"


@needs_laws
def test_addenda_do_not_become_articles():
    _, chunks = _law("옥외광고물법", "시행령.md")
    addenda = [c for c in chunks if c.heading == "부칙"]
    assert addenda and all(c.article is None for c in addenda)
    assert not [c for c in chunks if c.article and c.article.startswith("제1조의")]


@needs_laws
def test_every_statute_file_splits_into_unique_articles():
    for path in sorted(LAWS.rglob("*.md")):  # type: ignore[union-attr]
        if path.name == "SOURCE.md":
            continue
        doc, chunks = chunk_document(path.read_text(encoding="utf-8"), path.stem)
        assert doc.kind == "law", path
        labels = [c.article for c in chunks if c.article]
        assert len(labels) > 20 and len(labels) == len(set(labels)), path


def test_plain_text_law_without_markdown_is_split_by_article():
    text = "공무원 출장 규정\n\n제1조(목적) 이 규정은 출장을 정한다.\n제2조(정의) 출장이란 다음과 같다.\n제8조제1항에 따른 것은 제외한다.\n제2조(적용) 공무원에게 적용한다.\n"
    _, chunks = chunk_document(text, "규정")
    assert [c.article for c in chunks] == ["제1조", "제2조", "제2조의2"]
    assert "제8조제1항에 따른" in chunks[1].text  # a reference at a line start is not an article


def test_guideline_is_split_by_heading_with_its_path():
    text = "# 현수막 정비 지침\n\n## 1. 정당 현수막\n\n### 가. 설치 기간\n15일 이내로 한다.\n\n## 2. 불법 현수막\n수거 후 보관한다.\n"
    doc, chunks = chunk_document(text, "지침")
    assert doc.kind == "guideline" and doc.title == "현수막 정비 지침"
    assert [(c.path, c.text) for c in chunks] == [
        (("1. 정당 현수막", "가. 설치 기간"), "15일 이내로 한다."),
        (("2. 불법 현수막",), "수거 후 보관한다."),
    ]


# ---- properties ----

_ARTICLES = st.lists(st.tuples(st.integers(1, 60), st.one_of(st.none(), st.integers(2, 9))), max_size=40)


@given(_ARTICLES)
def test_restoring_keeps_numbers_and_explicit_branches(numbers):
    restored = restore_branches(numbers)
    assert len(restored) == len(numbers)
    for (number, branch), (new_number, new_branch) in zip(numbers, restored, strict=True):
        assert new_number == number
        if branch is not None:
            assert new_branch == branch


@given(st.lists(st.tuples(st.integers(1, 30), st.integers(0, 4)), min_size=2, max_size=25))  # a law has >= 2 articles
def test_a_law_written_without_branches_gets_them_back(spec):
    """Generate a law with real numbers 제N조, 제N조의2.. (N increasing), write it as the conversion does
    (branches dropped), and check the restorer gives every article its real number back."""
    real: list[tuple[int, int | None]] = []
    number = 0
    for step, branches in spec:
        number += step
        real.append((number, None))
        real += [(number, b) for b in range(2, 2 + branches)]
    lossy = [(n, None) for n, _ in real]
    assert restore_branches(lossy) == real
    body = "\n".join(f"##### 제{n}조 (제목{i})\n\n내용 {i}.\n" for i, (n, _) in enumerate(real))
    _, chunks = chunk_document("# 어떤 법\n\n" + body, "법")
    assert [c.article for c in chunks] == [article_label(n, b) for n, b in real]


@given(st.lists(st.text(alphabet="가나다라 마바사.", min_size=1, max_size=300), max_size=12), st.integers(40, 400))
def test_paragraph_pieces_cover_the_text_and_stay_bounded(paragraphs, limit):
    text = "\n\n".join(paragraphs)
    pieces = split_paragraphs(text, max_chars=limit, overlap=1)
    joined = " ".join(pieces)
    for word in text.split():
        assert word in joined
    assert all(len(p) <= limit for p in pieces)
