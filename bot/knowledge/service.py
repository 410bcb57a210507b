"""Knowledge collections for the rest of govbot: add files, list, remove, search.

The only module here that touches storage (through KnowledgeRepository). Parsing, PII masking, chunking
and tokenising run in a worker thread, never on the event loop. Each process keeps the BM25 index of the
collections it searched and rebuilds it when a collection's revision in the database moved (another
process added a file), so several govbot processes share one knowledge base.
"""

from __future__ import annotations

import asyncio
import hashlib
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from cachetools import LRUCache

from bot.config import AppConfig
from bot.gateway.pipeline import Gateway
from bot.i18n import t
from bot.knowledge.chunking import Chunk, chunk_document
from bot.knowledge.dense import Embedder, GatewayEmbedder, from_bytes, to_bytes
from bot.knowledge.formats import read_document
from bot.knowledge.ranking import Thresholds
from bot.knowledge.search import ChunkIndex, Result, indexed_text, tokenise_chunks
from bot.knowledge.sources import files_of, resolve
from bot.knowledge.tokens import Thesaurus, Tokenizer
from bot.knowledge.topics import TopicMap
from bot.privacy import LABELS_KO, scan_pii
from bot.store.knowledge_repository import OFFICE, CollectionInfo, KnowledgeRepository

Progress = Callable[[str], None]
# Part of every stored content hash: bump it when chunking or tokenising changes, so re-adding the same
# files re-indexes them instead of skipping them as unchanged.
INDEX_VERSION = b"knowledge-index-2\n"


@dataclass
class AddReport:
    collection: str
    added: list[str] = field(default_factory=list)
    replaced: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    failed: list[tuple[str, str]] = field(default_factory=list)  # (source, reason)
    chunks: int = 0
    embedded: int = 0  # passages given a vector (hybrid search)
    unembedded: int = 0  # passages left without one because embeddings failed (searched lexically)


@dataclass(frozen=True, slots=True)
class SearchOutcome:
    results: list[Result]
    collections: list[str]
    # when nothing is relevant: the acts that probably govern the question's topic and that none of
    # `collections` holds (app.yaml knowledge.other_acts), for a "look there" hint
    elsewhere: list[str] = field(default_factory=list)

    @property
    def relevant(self) -> list[Result]:
        return [r for r in self.results if r.relevant]

    def as_json(self) -> dict:
        """The documented fields (results, collections), then `elsewhere` and its hint in both languages."""
        return {
            "results": [r.as_json() for r in self.results],
            "collections": self.collections,
            "elsewhere": self.elsewhere,
            "hint": {"ko": elsewhere_hint(self.elsewhere, "ko"), "en": elsewhere_hint(self.elsewhere, "en")}
            if self.elsewhere
            else None,
        }


def elsewhere_hint(acts: Sequence[str], locale: str) -> str:
    """ "이 질문은 「공직선거법」 소관일 수 있습니다 — …" for the acts a question probably belongs to."""
    return t("knowledge_elsewhere", locale, acts=", ".join(f"「{act}」" for act in acts))


@dataclass(frozen=True, slots=True)
class Prepared:
    title: str
    kind: str
    effective_date: str | None
    chunks: list[tuple[Chunk, list[str]]]


def mask_for_storage(text: str, actions: dict[str, str]) -> tuple[str, set[str]]:
    """Apply the PII policy to text that will be kept: "mask" types become [유형], "block" types refuse
    the document (returned), "allow" stays. Unlisted types are masked, as the gateway does."""
    pieces, position, blocked = [], 0, set()
    for finding in scan_pii(text):
        action = actions.get(finding.type, "mask")
        if action == "allow":
            continue
        if action == "block":
            blocked.add(finding.type)
        pieces += [text[position : finding.start], f"[{LABELS_KO[finding.type]}]"]
        position = finding.end
    pieces.append(text[position:])
    return "".join(pieces), blocked


class KnowledgeService:
    def __init__(self, config: AppConfig, repository: KnowledgeRepository, tokenizer: Tokenizer | None = None):
        self._config = config
        self._repository = repository
        self.tokenizer = tokenizer or Tokenizer(Thesaurus(config.knowledge.merged_thesaurus()))
        minimum = config.knowledge.min_ratio
        self.thresholds = Thresholds() if minimum is None else Thresholds(min_ratio=minimum)
        self.topics = TopicMap(config.knowledge.other_acts)
        self._indexes: LRUCache = LRUCache(maxsize=8)
        self._lock = threading.Lock()

    @property
    def repository(self) -> KnowledgeRepository:
        return self._repository

    @property
    def config(self) -> AppConfig:
        return self._config

    def embedder(
        self, gateway: Gateway | None, department_id: str, user_id: str, platform: str = "api"
    ) -> GatewayEmbedder | None:
        """The embedder billed to `department_id` for `user_id`, or None when app.yaml sets no embeddings model."""
        settings = self._config.knowledge.embeddings
        if settings is None or gateway is None:
            return None
        return GatewayEmbedder(gateway, settings.model, department_id, user_id, platform)

    async def _vectors(self, embedder: Embedder, chunks: Sequence[Chunk]) -> list[bytes] | None:
        matrix = await embedder.embed([indexed_text(chunk) for chunk in chunks])
        if matrix is None or len(matrix) != len(chunks):
            return None
        return [to_bytes(row) for row in matrix]

    async def _fill_vectors(self, collection_id: int, source: str, embedder: Embedder, report: AddReport) -> None:
        """An unchanged document indexed before embeddings were set up (or with another model) gets its vectors."""
        missing = await self._repository.missing_vectors(collection_id, source, embedder.model)
        if not missing:
            return
        vectors = await self._vectors(embedder, [chunk for _, chunk in missing])
        if vectors is None:
            report.unembedded += len(missing)
            return
        await self._repository.set_vectors(
            collection_id, [(cid, v) for (cid, _), v in zip(missing, vectors, strict=True)], embedder.model
        )
        report.embedded += len(vectors)

    # ---- ingestion ----

    def _prepare(self, source: str, data: bytes, actions: dict[str, str]) -> Prepared | str:
        """Worker thread: file → text → PII policy → chunks with tokens, or a reason."""
        text, reason = read_document(source, data)
        if reason:
            return reason
        text, blocked = mask_for_storage(text, actions)
        if blocked:
            kinds = ", ".join(sorted(LABELS_KO[k] for k in blocked))
            return f"개인정보({kinds})가 있어 저장하지 않았습니다. 지우고 다시 올려 주세요 / personal data found; remove it and retry"
        stem = source.rsplit("/", 1)[-1].rsplit(".", 1)[0]
        parsed, chunks = chunk_document(text, stem)
        if not chunks:
            return "나눌 내용이 없습니다 / nothing to index"
        tokens = tokenise_chunks(self.tokenizer, chunks)
        return Prepared(parsed.title, parsed.kind, parsed.effective_date, list(zip(chunks, tokens, strict=True)))

    async def add(
        self,
        collection: str,
        files: Sequence[tuple[str, bytes]],
        *,
        by: str,
        department_id: str | None = None,
        visibility: str = "org",
        progress: Progress | None = None,
        embedder: Embedder | None = None,
    ) -> AddReport:
        """Add (source name, content) files; unchanged ones (same hash) are skipped, changed ones replaced.
        With an `embedder`, each passage is stored with its vector (a failure leaves it lexical only)."""
        info = await self._repository.ensure_collection(
            collection, department_id=department_id or OFFICE, visibility=visibility, by=by
        )
        actions = self._pii_actions(department_id)
        report = AddReport(info.name)
        for source, data in files:
            digest = hashlib.sha256(INDEX_VERSION + data).hexdigest()
            previous = await self._repository.document_hash(info.id, source)
            if previous == digest:
                report.unchanged.append(source)
                if embedder is not None:
                    await self._fill_vectors(info.id, source, embedder, report)
            else:
                prepared = await asyncio.to_thread(self._prepare, source, data, actions)
                if isinstance(prepared, str):
                    report.failed.append((source, prepared))
                else:
                    vectors = None
                    if embedder is not None:
                        vectors = await self._vectors(embedder, [chunk for chunk, _ in prepared.chunks])
                        if vectors is None:
                            report.unembedded += len(prepared.chunks)
                        else:
                            report.embedded += len(vectors)
                    await self._repository.replace_document(
                        info.id,
                        source=source,
                        title=prepared.title,
                        kind=prepared.kind,
                        content_hash=digest,
                        effective_date=prepared.effective_date,
                        chunks=prepared.chunks,
                        by=by,
                        vectors=vectors,
                        vector_model=embedder.model if embedder is not None else None,
                    )
                    report.chunks += len(prepared.chunks)
                    (report.replaced if previous else report.added).append(source)
            if progress:
                progress(source)
        return report

    async def sync(
        self, base: Path, *, by: str = "app.yaml", progress: Progress | None = None, gateway: Gateway | None = None
    ) -> list[AddReport]:
        """Ingest the collections app.yaml lists (paths relative to `base`, the folder of app.yaml);
        unchanged files are skipped by their content hash, so a restart costs only the hashing. With a
        `gateway` and an embeddings model, passages are embedded, billed to the collection's department."""
        reports: list[AddReport] = []
        for source in self._config.knowledge.collections:
            found, missing = await asyncio.to_thread(files_of, resolve(source.paths, base))
            files = await asyncio.to_thread(_read_all, found)
            report = await self.add(
                source.name,
                files,
                by=by,
                department_id=source.department,
                visibility="department" if source.private and source.department else "org",
                progress=progress,
                embedder=self.embedder(gateway, self._config.embeddings_payer(source.department), by, "cli"),
            )
            report.failed += [(str(path), "파일이나 폴더가 없습니다 / no such file or folder") for path in missing]
            reports.append(report)
        return reports

    def _pii_actions(self, department_id: str | None) -> dict[str, str]:
        department = self._config.department(department_id) if department_id else None
        return {**self._config.filters.pii, **(department.pii if department else {})}

    # ---- search ----

    async def collections_for(self, department_id: str | None, names: Sequence[str] | None) -> list[CollectionInfo]:
        """The visible collections named (all office-wide ones when none are named); unknown names are ignored."""
        visible = await self._repository.visible(department_id)
        if not names:
            return [c for c in visible if c.department_id == OFFICE or c.department_id == department_id]
        wanted = []
        for name in names:
            found = await self._repository.resolve(name, department_id)
            if found is not None and found not in wanted:
                wanted.append(found)
        return wanted

    async def search(
        self,
        query: str,
        *,
        department_id: str | None,
        collections: Sequence[str] | None = None,
        top: int = 5,
        embedder: Embedder | None = None,
    ) -> SearchOutcome:
        """Ranked passages of the visible collections; with an `embedder` and stored vectors, hybrid
        (lexical and dense fused); if the question cannot be embedded, lexical, without an error."""
        infos = await self.collections_for(department_id, collections)
        if not infos:
            return SearchOutcome([], [])
        model = embedder.model if embedder is not None else None
        index = await self._index(infos, model)
        vector = None
        if embedder is not None and index.hybrid:
            embedded = await embedder.embed([query])
            vector = embedded[0] if embedded is not None and len(embedded) else None
        names = {c.id: c.name for c in infos}
        ids = [str(c.id) for c in infos]
        results, elsewhere = await asyncio.to_thread(self._rank, index, query, ids, top, vector)
        renamed = [Result(r.chunk, names[int(r.collection)], r.score, r.relevant) for r in results]
        hint = [] if any(r.relevant for r in results) else elsewhere
        return SearchOutcome(renamed, [c.name for c in infos], hint)

    def _rank(
        self, index: ChunkIndex, query: str, ids: list[str], top: int, vector: np.ndarray | None = None
    ) -> tuple[list[Result], list[str]]:
        """The ranked results, and the acts the question's topic points to that `ids` do not hold."""
        tokens = self.tokenizer.tokens(query, query=True)
        acts = self.tokenizer.thesaurus.acts(query)
        topics = self.topics.acts(query)
        results = index.search(
            tokens, ids, top=top, thresholds=self.thresholds, query_vector=vector, acts=acts, topics=topics
        )
        return results, index.elsewhere(topics, ids)

    async def _index(self, infos: Sequence[CollectionInfo], model: str | None = None) -> ChunkIndex:
        key = (tuple(sorted((c.id, c.revision) for c in infos)), model)
        with self._lock:
            cached = self._indexes.get(key)
        if cached is not None:
            return cached
        rows = await self._repository.chunks_with_vectors([c.id for c in infos], model)
        chunks = [(str(cid), chunk, tokens) for cid, chunk, tokens, _ in rows]
        vectors = [from_bytes(v) if v is not None else None for _, _, _, v in rows] if model is not None else None
        index = await asyncio.to_thread(ChunkIndex, chunks, None, vectors)
        with self._lock:
            self._indexes[key] = index
        return index


def _read_all(found: list[tuple[str, Path]]) -> list[tuple[str, bytes]]:
    """The files' bytes (blocking: run in a thread)."""
    return [(name, path.read_bytes()) for name, path in found]
