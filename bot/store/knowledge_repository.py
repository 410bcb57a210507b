"""Knowledge collections, documents and chunks in the configured database (SQLite or PostgreSQL).

A document is replaced in one transaction (old chunks out, new chunks in, collection revision up), so a
search never sees half a document and every process notices the change by the revision.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import async_sessionmaker
from sqlalchemy.orm import defer

from assistants.spec import fold_name
from bot.knowledge.chunking import Chunk
from bot.store.models import KnowledgeChunk, KnowledgeCollection, KnowledgeDocument
from bot.store.repositories import utcnow

OFFICE = ""  # department_id of an office-wide collection


@dataclass(frozen=True, slots=True)
class CollectionInfo:
    id: int
    name: str
    department_id: str  # "" = the whole office
    visibility: str
    revision: int
    documents: int = 0
    chunks: int = 0

    def visible_to(self, department_id: str | None) -> bool:
        """Same rule as assistants: office-wide or org-visible for all; private ones for their department."""
        return self.department_id == OFFICE or self.visibility == "org" or self.department_id == department_id


@dataclass(frozen=True, slots=True)
class DocumentInfo:
    source: str
    title: str
    kind: str
    content_hash: str
    effective_date: str | None
    chunks: int


def _info(row: KnowledgeCollection, documents: int = 0, chunks: int = 0) -> CollectionInfo:
    return CollectionInfo(row.id, row.name, row.department_id, row.visibility, row.revision, documents, chunks)


class KnowledgeRepository:
    def __init__(self, sessions: async_sessionmaker):
        self._sessions = sessions

    async def ensure_collection(
        self, name: str, *, department_id: str = OFFICE, visibility: str = "org", by: str
    ) -> CollectionInfo:
        """The department's collection called `name`, created if missing (a race is settled by the unique key)."""
        key = fold_name(name)
        for _ in range(2):
            async with self._sessions() as session:
                row = await session.scalar(
                    select(KnowledgeCollection).where(
                        KnowledgeCollection.department_id == department_id, KnowledgeCollection.name_key == key
                    )
                )
                if row is not None:
                    return _info(row)
            now = utcnow()
            try:
                async with self._sessions.begin() as session:
                    row = KnowledgeCollection(
                        name=name,
                        name_key=key,
                        department_id=department_id,
                        visibility=visibility,
                        revision=0,
                        created_by=by,
                        created_at=now,
                        updated_at=now,
                    )
                    session.add(row)
                    await session.flush()
                    return _info(row)
            except IntegrityError:
                continue  # another process created it meanwhile: read it
        raise RuntimeError("collection could not be created")

    async def visible(self, department_id: str | None) -> list[CollectionInfo]:
        """Every collection `department_id` may search, with document and chunk counts."""
        async with self._sessions() as session:
            condition = or_(
                KnowledgeCollection.department_id == OFFICE,
                KnowledgeCollection.visibility == "org",
                KnowledgeCollection.department_id == (department_id or OFFICE),
            )
            rows = (await session.scalars(select(KnowledgeCollection).where(condition))).all()
            counts = dict(
                (
                    await session.execute(
                        select(KnowledgeDocument.collection_id, func.count()).group_by(KnowledgeDocument.collection_id)
                    )
                ).all()
            )
            chunk_counts = dict(
                (
                    await session.execute(
                        select(KnowledgeDocument.collection_id, func.sum(KnowledgeDocument.chunk_count)).group_by(
                            KnowledgeDocument.collection_id
                        )
                    )
                ).all()
            )
        infos = [_info(r, counts.get(r.id, 0), int(chunk_counts.get(r.id) or 0)) for r in rows]
        return sorted(infos, key=lambda c: (c.department_id != (department_id or OFFICE), c.name))

    async def resolve(self, name: str, department_id: str | None) -> CollectionInfo | None:
        """The visible collection called `name`: the department's own first, then office-wide ones."""
        key = fold_name(name)
        for info in await self.visible(department_id):
            if fold_name(info.name) == key:
                return info
        return None

    async def document_hash(self, collection_id: int, source: str) -> str | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(KnowledgeDocument.content_hash).where(
                    KnowledgeDocument.collection_id == collection_id, KnowledgeDocument.source == source
                )
            )

    async def replace_document(
        self,
        collection_id: int,
        *,
        source: str,
        title: str,
        kind: str,
        content_hash: str,
        effective_date: str | None,
        chunks: Sequence[tuple[Chunk, Sequence[str]]],
        by: str,
        vectors: Sequence[bytes] | None = None,
        vector_model: str | None = None,
    ) -> None:
        """Store a document's chunks in place of its previous version, all or nothing (with each chunk's
        embedding when `vectors` is given: one per chunk, made with `vector_model`)."""
        if vectors is not None and len(vectors) != len(chunks):
            raise ValueError("one vector per chunk")
        async with self._sessions.begin() as session:
            old = await session.scalar(
                select(KnowledgeDocument.id).where(
                    KnowledgeDocument.collection_id == collection_id, KnowledgeDocument.source == source
                )
            )
            if old is not None:
                await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.document_id == old))
                await session.execute(delete(KnowledgeDocument).where(KnowledgeDocument.id == old))
            document = KnowledgeDocument(
                collection_id=collection_id,
                source=source[:500],
                title=title[:300],
                kind=kind,
                content_hash=content_hash,
                effective_date=effective_date,
                chunk_count=len(chunks),
                added_by=by,
                added_at=utcnow(),
            )
            session.add(document)
            await session.flush()
            session.add_all(
                KnowledgeChunk(
                    document_id=document.id,
                    collection_id=collection_id,
                    ordinal=chunk.ordinal,
                    title=chunk.document[:300],
                    article=chunk.article,
                    heading=(chunk.heading or None) and chunk.heading[:300],
                    path=json.dumps(list(chunk.path), ensure_ascii=False),
                    text=chunk.text,
                    tokens=" ".join(tokens),
                    effective_date=chunk.effective_date,
                    vector=vectors[index] if vectors is not None else None,
                    vector_model=vector_model if vectors is not None else None,
                )
                for index, (chunk, tokens) in enumerate(chunks)
            )
            await self._bump(session, collection_id)

    async def _bump(self, session, collection_id: int) -> None:
        await session.execute(
            update(KnowledgeCollection)
            .where(KnowledgeCollection.id == collection_id)
            .values(revision=KnowledgeCollection.revision + 1, updated_at=utcnow())
        )

    async def documents(self, collection_id: int) -> list[DocumentInfo]:
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(KnowledgeDocument)
                    .where(KnowledgeDocument.collection_id == collection_id)
                    .order_by(KnowledgeDocument.source)
                )
            ).all()
        return [DocumentInfo(r.source, r.title, r.kind, r.content_hash, r.effective_date, r.chunk_count) for r in rows]

    async def remove_document(self, collection_id: int, source: str) -> bool:
        async with self._sessions.begin() as session:
            old = await session.scalar(
                select(KnowledgeDocument.id).where(
                    KnowledgeDocument.collection_id == collection_id, KnowledgeDocument.source == source
                )
            )
            if old is None:
                return False
            await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.document_id == old))
            await session.execute(delete(KnowledgeDocument).where(KnowledgeDocument.id == old))
            await self._bump(session, collection_id)
            return True

    async def remove_collection(self, collection_id: int) -> None:
        async with self._sessions.begin() as session:
            await session.execute(delete(KnowledgeChunk).where(KnowledgeChunk.collection_id == collection_id))
            await session.execute(delete(KnowledgeDocument).where(KnowledgeDocument.collection_id == collection_id))
            await session.execute(delete(KnowledgeCollection).where(KnowledgeCollection.id == collection_id))

    async def chunks(self, collection_ids: Sequence[int]) -> list[tuple[int, Chunk, list[str]]]:
        """Every chunk of these collections with its stored tokens, in a stable order."""
        return [(cid, chunk, tokens) for cid, chunk, tokens, _ in await self.chunks_with_vectors(collection_ids)]

    async def missing_vectors(self, collection_id: int, source: str, model: str) -> list[tuple[int, Chunk]]:
        """The document's chunks without an embedding made by `model` (to fill in after embeddings were set up)."""
        async with self._sessions() as session:
            rows = (
                await session.scalars(
                    select(KnowledgeChunk)
                    .join(KnowledgeDocument, KnowledgeDocument.id == KnowledgeChunk.document_id)
                    .where(
                        KnowledgeDocument.collection_id == collection_id,
                        KnowledgeDocument.source == source,
                        or_(KnowledgeChunk.vector_model.is_(None), KnowledgeChunk.vector_model != model),
                    )
                    .order_by(KnowledgeChunk.ordinal)
                )
            ).all()
            return [(row.id, _chunk(row)) for row in rows]

    async def set_vectors(self, collection_id: int, vectors: Sequence[tuple[int, bytes]], model: str) -> None:
        """Store embeddings of existing chunks; the collection's revision moves so every process reloads."""
        if not vectors:
            return
        async with self._sessions.begin() as session:
            for chunk_id, vector in vectors:
                await session.execute(
                    update(KnowledgeChunk)
                    .where(KnowledgeChunk.id == chunk_id, KnowledgeChunk.collection_id == collection_id)
                    .values(vector=vector, vector_model=model)
                )
            await self._bump(session, collection_id)

    async def chunks_with_vectors(
        self, collection_ids: Sequence[int], model: str | None = None
    ) -> list[tuple[int, Chunk, list[str], bytes | None]]:
        """Every chunk of these collections with its stored tokens and its embedding made by `model` (None
        where it has none, or one made by another model), in a stable order."""
        if not collection_ids:
            return []
        async with self._sessions() as session:
            query = select(KnowledgeChunk)
            if model is None:  # lexical only: leave the vectors in the database
                query = query.options(defer(KnowledgeChunk.vector))
            rows = (
                await session.execute(
                    query.where(KnowledgeChunk.collection_id.in_(list(collection_ids))).order_by(
                        KnowledgeChunk.collection_id, KnowledgeChunk.document_id, KnowledgeChunk.ordinal
                    )
                )
            ).scalars()
            return [
                (
                    row.collection_id,
                    _chunk(row),
                    row.tokens.split(),
                    row.vector if model is not None and row.vector_model == model else None,
                )
                for row in rows
            ]


def _chunk(row: KnowledgeChunk) -> Chunk:
    return Chunk(
        document=row.title,
        text=row.text,
        ordinal=row.ordinal,
        article=row.article,
        heading=row.heading,
        path=tuple(json.loads(row.path)),
        effective_date=row.effective_date,
    )
