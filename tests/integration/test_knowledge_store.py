"""The knowledge tables on both stores: a changed document replaces its chunks in one step, another
process sees the new revision and rebuilds its index, and a private collection stays in its department."""

from __future__ import annotations

from bot.config import DEFAULT_THESAURUS, Knowledge
from bot.knowledge.service import KnowledgeService
from bot.knowledge.tokens import Thesaurus, Tokenizer
from bot.store import Store
from bot.store.knowledge_repository import KnowledgeRepository
from tests.conftest import offline_config

V1 = "# 현수막 지침\n\n## 게시 기간\n정당 현수막은 15일 동안 게시한다.\n\n## 수거\n불법 현수막은 즉시 수거한다.\n".encode()
V2 = "# 현수막 지침\n\n## 게시 기간\n정당 현수막은 10일 동안 게시한다.\n".encode()


async def test_replace_revision_and_visibility_on_both_stores(database):
    url, schema = database
    config = offline_config().model_copy(update={"knowledge": Knowledge()})
    stores = [await Store.open(url, schema=schema, migrate=(i == 0)) for i in range(2)]
    tokenizer = Tokenizer(Thesaurus(DEFAULT_THESAURUS))
    try:
        first, second = (KnowledgeService(config, KnowledgeRepository(s.sessions), tokenizer) for s in stores)
        report = await first.add(
            "교통 지침", [("지침.md", V1)], by="kim.minsu", department_id="traffic", visibility="department"
        )
        assert report.added == ["지침.md"] and report.chunks == 2
        before = await second.search("정당 현수막 게시 기간", department_id="traffic", collections=["교통 지침"])
        assert "15일" in before.results[0].chunk.text
        again = await first.add("교통 지침", [("지침.md", V1)], by="kim.minsu", department_id="traffic")
        assert again.unchanged == ["지침.md"]
        changed = await first.add("교통 지침", [("지침.md", V2)], by="kim.minsu", department_id="traffic")
        assert changed.replaced == ["지침.md"]
        after = await second.search("정당 현수막 게시 기간", department_id="traffic", collections=["교통 지침"])
        assert [r.chunk.text for r in after.results] == ["정당 현수막은 10일 동안 게시한다."]  # old chunks gone
        hidden = await second.search("정당 현수막 게시 기간", department_id="pr", collections=["교통 지침"])
        assert hidden.results == [] and hidden.collections == []
        assert [c.name for c in await second.repository.visible("pr")] == []
    finally:
        for store in stores:
            await store.close()


class _Letters:
    """An embedder standing in for the gateway: one dimension per letter of a few words (storage test only)."""

    model = "embed"

    def __init__(self) -> None:
        self.calls: list[list[str]] = []

    async def embed(self, texts):  # type: ignore[no-untyped-def]

        from bot.knowledge.dense import unit_rows

        self.calls.append(list(texts))
        return unit_rows([[text.count(w) + 0.01 for w in ("현수막", "게시", "수거")] for text in texts])


async def test_vectors_are_stored_with_the_chunks_and_filled_in_later_on_both_stores(database):
    url, schema = database
    config = offline_config().model_copy(update={"knowledge": Knowledge()})
    stores = [await Store.open(url, schema=schema, migrate=(i == 0)) for i in range(2)]
    tokenizer = Tokenizer(Thesaurus(DEFAULT_THESAURUS))
    embedder = _Letters()
    try:
        first, second = (KnowledgeService(config, KnowledgeRepository(s.sessions), tokenizer) for s in stores)
        # indexed before embeddings were set up: lexical only
        plain = await first.add("지침", [("지침.md", V1)], by="kim.minsu")
        assert plain.embedded == 0
        lexical = await second.search("현수막 수거", department_id=None, embedder=embedder)
        assert embedder.calls == []  # no stored vectors: the question is not embedded either
        # re-adding the unchanged file fills in the vectors (and moves the revision, so the other process reloads)
        filled = await first.add("지침", [("지침.md", V1)], by="kim.minsu", embedder=embedder)
        assert filled.unchanged == ["지침.md"] and filled.embedded == 2
        rows = await second.repository.chunks_with_vectors(
            [c.id for c in await second.repository.visible(None)], "embed"
        )
        assert all(vector is not None and len(vector) == 3 * 4 for _, _, _, vector in rows)
        hybrid = await second.search("현수막 수거", department_id=None, embedder=embedder)
        assert embedder.calls[-1] == ["현수막 수거"]
        assert {r.chunk.text for r in hybrid.relevant} >= {r.chunk.text for r in lexical.relevant}
        again = await first.add("지침", [("지침.md", V1)], by="kim.minsu", embedder=embedder)
        assert again.embedded == 0  # nothing missing any more
    finally:
        for store in stores:
            await store.close()
