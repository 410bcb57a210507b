"""How search results are shown and handed to a model. Pure: results in, text out."""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.i18n import t
from bot.knowledge.search import Result

MAX_PASSAGE_CHARS = 1500  # per passage sent to the model: a long article is cut, its citation kept


def citation(result: Result) -> str:
    chunk = result.chunk
    heading = f"({chunk.heading})" if chunk.article and chunk.heading else ""
    return f"{chunk.citation}{heading}"


def best_sentence(text: str, query_tokens: Sequence[str]) -> str | None:
    """The line or sentence of `text` sharing most words with the query: the one to highlight."""
    pieces = [p.strip() for p in re.split(r"\n+|(?<=다\.)\s+", text) if p.strip()]
    best, best_count = None, 0
    for piece in pieces:
        count = sum(1 for token in set(query_tokens) if len(token) > 1 and token in piece)
        if count > best_count:
            best, best_count = piece, count
    return best


def offline_answer(results: Sequence[Result], query_tokens: Sequence[str], head: str, limit: int = 400) -> str:
    """Ranked passages, each with its citation and its most relevant sentence in bold."""
    lines = [head, ""]
    for rank, result in enumerate(results, 1):
        lines.append(f"**{rank}. {citation(result)}**")
        text = result.chunk.text
        sentence = best_sentence(text, query_tokens)
        if sentence and len(sentence) <= limit:
            start = text.find(sentence)
            before = text[max(0, start - 120) : start].lstrip()
            after = text[start + len(sentence) : start + len(sentence) + 120].rstrip()
            excerpt = f"{'…' if start > 120 else ''}{before}**{sentence}**{after}{'…' if after else ''}"
        else:
            excerpt = text[:limit] + ("…" if len(text) > limit else "")
        lines += ["> " + line for line in excerpt.splitlines() if line.strip()]
        lines.append("")
    return "\n".join(lines).strip()


def passages_prompt(results: Sequence[Result], locale: str) -> str:
    """The passages as the model receives them, each under the citation it must use."""
    blocks = []
    for index, result in enumerate(results, 1):
        text = result.chunk.text
        if len(text) > MAX_PASSAGE_CHARS:
            text = text[:MAX_PASSAGE_CHARS] + " …"
        blocks.append(f"[{index}] {citation(result)}\n{text}")
    return t("knowledge_passages_rule", locale) + "\n\n" + "\n\n".join(blocks)
