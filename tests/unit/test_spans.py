"""apply_spans: the one span replacer behind PII masking, redaction, complaint masking and the word filter."""

from hypothesis import given
from hypothesis import strategies as st

from bot.spans import apply_spans


def test_spans_are_replaced_and_a_span_inside_a_replaced_one_is_skipped():
    text = "민원인 홍길동 010-1234-5678 연락 바랍니다"
    called: list[str] = []

    def label(kind: str) -> str:
        called.append(kind)
        return f"[{kind}]"

    spans = [(4, 7, "성명"), (8, 21, "전화번호"), (12, 16, "부분")]
    assert apply_spans(text, spans, label) == "민원인 [성명] [전화번호] 연락 바랍니다"
    assert called == ["성명", "전화번호"]  # the nested span neither replaced nor counted


@given(st.text(alphabet="가나다라 마바사", max_size=40), st.lists(st.tuples(st.integers(0, 40), st.integers(0, 8))))
def test_text_between_spans_is_kept_in_order(text, raw):
    spans = sorted((min(s, len(text)), min(s + n, len(text)), i) for i, (s, n) in enumerate(raw))
    kept: list[tuple[int, int]] = []
    for start, end, _ in spans:
        if not kept or start >= kept[-1][1]:
            kept.append((start, end))
    out = apply_spans(text, spans, lambda _: "\0")
    pieces = out.split("\0")
    assert len(pieces) == len(kept) + 1
    bounds = [0] + [p for span in kept for p in span] + [len(text)]
    assert pieces == [text[bounds[i] : bounds[i + 1]] for i in range(0, len(bounds), 2)]
