"""Tables. Message content appears only in `conversation_messages`, and only when the office
sets `retention.store_content: true`; everything else is metadata."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    Boolean,
    DateTime,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class UsageRecord(Base):
    """Tokens one gateway call used, billed to a department."""

    __tablename__ = "usage_records"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    call_id: Mapped[str] = mapped_column(String(32), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    department_id: Mapped[str] = mapped_column(String(64), index=True)
    user_id: Mapped[str] = mapped_column(String(128))
    platform: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    assistant_id: Mapped[str | None] = mapped_column(String(64))
    assistant_version: Mapped[int | None] = mapped_column(Integer)
    model_alias: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str] = mapped_column(String(64))
    model: Mapped[str] = mapped_column(String(128))
    prompt_tokens: Mapped[int] = mapped_column(BigInteger)  # 64-bit: see migration 0005
    completion_tokens: Mapped[int] = mapped_column(BigInteger)
    estimated: Mapped[bool] = mapped_column(Boolean, default=False)
    latency_ms: Mapped[float] = mapped_column(Float)


class Conversation(Base):
    """A thread's metadata: who, which assistant (and version), how many turns. No content."""

    __tablename__ = "conversations"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    platform: Mapped[str] = mapped_column(String(16))
    user_id: Mapped[str] = mapped_column(String(128))
    department_id: Mapped[str] = mapped_column(String(64), index=True)
    assistant_id: Mapped[str | None] = mapped_column(String(64))
    assistant_version: Mapped[int | None] = mapped_column(Integer)
    turns: Mapped[int] = mapped_column(Integer, default=0)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class ConversationMessage(Base):
    """Message content, written only when retention.store_content is true."""

    __tablename__ = "conversation_messages"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    conversation_id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), index=True)
    role: Mapped[str] = mapped_column(String(16))
    content: Mapped[str] = mapped_column(Text)
    tokens: Mapped[int] = mapped_column(Integer)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class ProcessedEvent(Base):
    """Platform event ids already handled, so retries are answered once across all processes."""

    __tablename__ = "processed_events"
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class SharedStateEntry(Base):
    """Short-lived state any serve process may need (download files, button tokens, placeholder vaults, Teams
    channel addresses) when no Redis is configured: sealed (AES-GCM) under a key derived from the audit key,
    named by an HMAC of its key, and swept after `expires_at` (bot/store/shared_state.py)."""

    __tablename__ = "shared_state"
    namespace: Mapped[str] = mapped_column(String(32), primary_key=True)
    key: Mapped[str] = mapped_column(String(64), primary_key=True)
    value: Mapped[bytes] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)


class Feedback(Base):
    __tablename__ = "feedback"
    __table_args__ = (UniqueConstraint("answer_id", "user_id"),)
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    answer_id: Mapped[str] = mapped_column(String(32), index=True)
    user_id: Mapped[str] = mapped_column(String(128))
    platform: Mapped[str] = mapped_column(String(16))
    value: Mapped[str] = mapped_column(String(8))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuotaCounter(Base):
    """Usage in one period for one subject (department, user or assistant), changed only by
    atomic conditional updates so concurrent processes can never overshoot a limit."""

    __tablename__ = "quota_counters"
    scope: Mapped[str] = mapped_column(String(16), primary_key=True)  # dept, user, assistant
    subject: Mapped[str] = mapped_column(String(160), primary_key=True)
    period: Mapped[str] = mapped_column(String(24), primary_key=True)  # e.g. day:2026-11-22, month:2026-11, minute:…
    used_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    reserved_tokens: Mapped[int] = mapped_column(BigInteger, default=0)
    requests: Mapped[int] = mapped_column(BigInteger, default=0)


class QuotaReservation(Base):
    """One call's reservation while it is in flight, so a crashed process's share can be given back.

    `owner` is the process holding it (host:pid:boot id); the owner keeps moving `expires_at` forward
    while it lives, so only reservations of a dead (or hung) process expire. The sweeper deletes an
    expired row and gives its tokens and request back in the same transaction; settling and releasing
    delete the row too, so whichever comes first does it exactly once."""

    __tablename__ = "quota_reservations"
    call_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    owner: Mapped[str] = mapped_column(String(96), index=True)
    counters: Mapped[str] = mapped_column(Text)  # JSON [[scope, subject, period], ...]
    tokens: Mapped[int] = mapped_column(BigInteger)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    expires_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    # What the audit record of an interrupted call needs (metadata only, never content).
    department_id: Mapped[str] = mapped_column(String(64))
    user_id: Mapped[str] = mapped_column(String(128))
    platform: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    assistant_id: Mapped[str | None] = mapped_column(String(64))
    model_alias: Mapped[str] = mapped_column(String(64))
    findings: Mapped[str] = mapped_column(Text)  # JSON {"phone": 2}: types and counts


class QuotaOverride(Base):
    """Limits set by admins at run time (`govbot quota set|grant`), over app.yaml's."""

    __tablename__ = "quota_overrides"
    department_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    limit_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    value: Mapped[int | None] = mapped_column(BigInteger)
    grant_period: Mapped[str | None] = mapped_column(String(24))  # a one-off extra for this period only
    updated_by: Mapped[str] = mapped_column(String(128))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class QuotaAlert(Base):
    """One row per department, limit and period once the 80% warning was given (so it is given once)."""

    __tablename__ = "quota_alerts"
    department_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    limit_name: Mapped[str] = mapped_column(String(40), primary_key=True)
    period: Mapped[str] = mapped_column(String(24), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered: Mapped[bool] = mapped_column(Boolean, default=False)


class AuditHead(Base):
    """The chain's tip: appends lock this single row, so records form one unbroken sequence."""

    __tablename__ = "audit_head"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    # HMAC of (seq, hash) under the audit key: resetting the head to an earlier record needs the key.
    mac: Mapped[str | None] = mapped_column(String(64))


class AuditBase(Base):
    """Where the chain starts after a retention purge: a signed checkpoint (bot/audit/checkpoint.py) of the last
    record removed. No row: the chain starts at record 1. One row (id 1), moved forward by each purge."""

    __tablename__ = "audit_base"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))  # as signed (ISO 8601, UTC)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(64))


class AuditVerified(Base):
    """Where the console's last verification of the chain ended: a signed checkpoint of the last record that verified
    (the page checks only the records after it) and when the last full verification ran. One row (id 1)."""

    __tablename__ = "audit_verified"
    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    seq: Mapped[int] = mapped_column(BigInteger)
    hash: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[str] = mapped_column(String(40))  # as signed (ISO 8601, UTC)
    key_id: Mapped[str] = mapped_column(String(16))
    signature: Mapped[str] = mapped_column(String(64))
    full_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class AuditRecord(Base):
    """One gateway call. Findings are types and counts only; content only with store_content."""

    __tablename__ = "audit_log"
    seq: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), index=True)
    call_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str] = mapped_column(String(128))
    department_id: Mapped[str] = mapped_column(String(64))
    platform: Mapped[str] = mapped_column(String(16))
    purpose: Mapped[str] = mapped_column(String(32))
    assistant_id: Mapped[str | None] = mapped_column(String(64))
    model_alias: Mapped[str] = mapped_column(String(64))
    provider: Mapped[str | None] = mapped_column(String(64))
    model: Mapped[str | None] = mapped_column(String(128))
    prompt_tokens: Mapped[int] = mapped_column(Integer)
    completion_tokens: Mapped[int] = mapped_column(Integer)
    latency_ms: Mapped[float] = mapped_column(Float)
    findings: Mapped[str] = mapped_column(Text)  # JSON {"phone": 2}
    decision: Mapped[str] = mapped_column(String(16))
    error_code: Mapped[str | None] = mapped_column(String(40))
    content: Mapped[str | None] = mapped_column(Text)
    prev_hash: Mapped[str] = mapped_column(String(64))
    hash: Mapped[str] = mapped_column(String(64))
    # Fingerprint of the HMAC key that signed the record; NULL for plain SHA-256 records written before 0004.
    key_id: Mapped[str | None] = mapped_column(String(16))


class ApiKey(Base):
    """Per-department keys for the OpenAI-compatible endpoint; only a hash is kept."""

    __tablename__ = "api_keys"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    prefix: Mapped[str] = mapped_column(String(16), index=True)
    key_hash: Mapped[str] = mapped_column(String(64), unique=True)
    department_id: Mapped[str] = mapped_column(String(64))
    name: Mapped[str] = mapped_column(String(80))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class StoredAssistant(Base):
    """A department assistant's current state; its content lives in immutable `assistant_versions`."""

    __tablename__ = "assistants"
    __table_args__ = (UniqueConstraint("department_id", "name_key"),)
    id: Mapped[str] = mapped_column(String(64), primary_key=True)
    department_id: Mapped[str] = mapped_column(String(64), index=True)
    # The folded name, unique per department (a database constraint, so two processes cannot both take
    # it); a deleted assistant's key gets its id appended, which frees the name until it is restored.
    name_key: Mapped[str] = mapped_column(String(160))
    latest_version: Mapped[int] = mapped_column(Integer)
    published_version: Mapped[int | None] = mapped_column(Integer)
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    # Disabled by an admin on the console (migration 0008): chat refuses it until it is enabled again.
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_by: Mapped[str | None] = mapped_column(String(128))


class AssistantVersion(Base):
    """One immutable version of a department assistant (the full spec as JSON): every edit adds one."""

    __tablename__ = "assistant_versions"
    assistant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    version: Mapped[int] = mapped_column(Integer, primary_key=True)
    spec: Mapped[str] = mapped_column(Text)
    note: Mapped[str] = mapped_column(String(200))
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class DepartmentRole(Base):
    """A role given by a department admin at run time, over the one in app.yaml."""

    __tablename__ = "department_roles"
    department_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128), primary_key=True)
    role: Mapped[str] = mapped_column(String(16))
    granted_by: Mapped[str] = mapped_column(String(128))
    granted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class AuthoringDialogue(Base):
    """Where a guided `/assistant new` dialogue stands, per conversation, until it is saved or cancelled.
    Every answer passed the content policy before it was kept here; rows expire."""

    __tablename__ = "authoring_dialogues"
    key_hash: Mapped[str] = mapped_column(String(64), primary_key=True)
    user_id: Mapped[str] = mapped_column(String(128))
    step: Mapped[str] = mapped_column(String(24))
    data: Mapped[str] = mapped_column(Text)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnowledgeCollection(Base):
    """A named collection of documents, owned by a department ("" = the whole office), visible like assistants."""

    __tablename__ = "knowledge_collections"
    __table_args__ = (UniqueConstraint("department_id", "name_key"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    name: Mapped[str] = mapped_column(String(64))
    name_key: Mapped[str] = mapped_column(String(64))
    department_id: Mapped[str] = mapped_column(String(64), index=True)
    visibility: Mapped[str] = mapped_column(String(16))  # "department" | "org"
    # Bumped by every change: each process rebuilds its in-memory index when the revision it holds is old.
    revision: Mapped[int] = mapped_column(Integer, default=0)
    created_by: Mapped[str] = mapped_column(String(128))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnowledgeDocument(Base):
    """One source file in a collection; its content hash lets an unchanged file be skipped."""

    __tablename__ = "knowledge_documents"
    __table_args__ = (UniqueConstraint("collection_id", "source"),)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    collection_id: Mapped[int] = mapped_column(Integer, ForeignKey("knowledge_collections.id", ondelete="CASCADE"))
    source: Mapped[str] = mapped_column(String(500))
    title: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(16))
    content_hash: Mapped[str] = mapped_column(String(64))
    effective_date: Mapped[str | None] = mapped_column(String(10))
    chunk_count: Mapped[int] = mapped_column(Integer)
    added_by: Mapped[str] = mapped_column(String(128))
    added_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class KnowledgeChunk(Base):
    """A citable passage, with its morpheme tokens stored so an index is rebuilt without re-analysis."""

    __tablename__ = "knowledge_chunks"
    id: Mapped[int] = mapped_column(BigInteger().with_variant(Integer, "sqlite"), primary_key=True, autoincrement=True)
    document_id: Mapped[int] = mapped_column(
        Integer, ForeignKey("knowledge_documents.id", ondelete="CASCADE"), index=True
    )
    collection_id: Mapped[int] = mapped_column(Integer, index=True)
    ordinal: Mapped[int] = mapped_column(Integer)
    title: Mapped[str] = mapped_column(String(300))
    article: Mapped[str | None] = mapped_column(String(32))
    heading: Mapped[str | None] = mapped_column(String(300))
    path: Mapped[str] = mapped_column(Text)  # JSON list of headings above the passage
    text: Mapped[str] = mapped_column(Text)
    tokens: Mapped[str] = mapped_column(Text)  # space-separated morphemes
    effective_date: Mapped[str | None] = mapped_column(String(10))
    # Hybrid search: the passage's embedding (little-endian float32) and the model alias that made it.
    vector: Mapped[bytes | None] = mapped_column(LargeBinary, nullable=True)
    vector_model: Mapped[str | None] = mapped_column(String(100), nullable=True)


class OfficialAssistantOff(Base):
    """An official (YAML) assistant an office admin switched off on the console; no row: it is on."""

    __tablename__ = "official_assistants_off"
    assistant_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    disabled_by: Mapped[str] = mapped_column(String(128))
    disabled_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
