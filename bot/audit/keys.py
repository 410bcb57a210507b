"""The audit chain's HMAC key. It never goes in the database: whoever can write the database must not
be able to recompute the chain. Production sets GOVBOT_AUDIT_KEY; without it a development key file is
generated outside the database (next to it by default) and every start says so loudly."""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from pathlib import Path

from bot.settings import Settings

MIN_KEY_CHARS = 32
_KEY_ID_LABEL = b"govbot-audit-key-id"


class AuditKeyInvalid(Exception):
    def __init__(self, ko: str, en: str):
        super().__init__(en)
        self.ko, self.en = ko, en


@dataclass(frozen=True, slots=True)
class AuditKey:
    secret: bytes
    source: str  # "env" (GOVBOT_AUDIT_KEY) or "file" (development key file)
    path: Path | None = None
    generated: bool = False

    @property
    def key_id(self) -> str:
        """A short public fingerprint: tells which key wrote a record without revealing the key."""
        return hmac.new(self.secret, _KEY_ID_LABEL, hashlib.sha256).hexdigest()[:16]

    @property
    def from_file(self) -> bool:
        return self.source == "file"

    def warning(self) -> tuple[str, str] | None:
        """The loud start-up/check-config message when the key is not set in the environment."""
        if not self.from_file:
            return None
        made = "새로 만든 " if self.generated else ""
        return (
            f"GOVBOT_AUDIT_KEY가 설정되지 않아 개발용 {made}감사 키 파일 {self.path} 을(를) 씁니다. "
            "운영에서는 GOVBOT_AUDIT_KEY를 비밀 저장소에서 주입하고, 이 파일은 데이터베이스와 다른 곳에 보관하세요.",
            f"GOVBOT_AUDIT_KEY is not set: using the development audit key file {self.path}. "
            "In production inject GOVBOT_AUDIT_KEY from your secret store; keep the key away from the database.",
        )


def key_status(settings: Settings) -> tuple[str, str] | None:
    """For check-config: a warning (or None) without creating anything."""
    if settings.audit_key is not None:
        value = settings.audit_key.get_secret_value()
        if len(value) < MIN_KEY_CHARS:
            raise _too_short("GOVBOT_AUDIT_KEY")
        return None
    path = settings.audit_key_file
    where = "있음 / exists" if path.exists() else "시작할 때 만들어짐 / created on start"
    return (
        f"GOVBOT_AUDIT_KEY가 설정되지 않았습니다. 감사 기록은 개발용 키 파일 {path} ({where}) 로 서명됩니다. "
        "운영에서는 반드시 GOVBOT_AUDIT_KEY를 설정하세요 (예: python -c 'import secrets; print(secrets.token_hex(32))').",
        f"GOVBOT_AUDIT_KEY is not set; the audit chain is signed with the development key file {path}. "
        "Set GOVBOT_AUDIT_KEY in production.",
    )


def load_audit_key(settings: Settings) -> AuditKey:
    """The key from GOVBOT_AUDIT_KEY, else the development key file (made once, mode 0600). Blocking I/O."""
    if settings.audit_key is not None:
        value = settings.audit_key.get_secret_value().strip()
        if len(value) < MIN_KEY_CHARS:
            raise _too_short("GOVBOT_AUDIT_KEY")
        return AuditKey(value.encode("utf-8"), "env")
    path = settings.audit_key_file
    generated = _create_once(path)
    value = path.read_text(encoding="utf-8").strip()
    if len(value) < MIN_KEY_CHARS:
        raise _too_short(str(path))
    return AuditKey(value.encode("utf-8"), "file", path, generated)


def _create_once(path: Path) -> bool:
    """Write a fresh random key unless the file exists; atomic, so concurrent starts agree on one key."""
    if path.exists():
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    temporary = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(secrets.token_hex(32) + "\n")
        os.link(temporary, path)  # fails if another process won the race: then its key is used
        return True
    except FileExistsError:
        return False
    finally:
        temporary.unlink(missing_ok=True)


def _too_short(where: str) -> AuditKeyInvalid:
    return AuditKeyInvalid(
        f"{where}의 감사 키가 너무 짧습니다 ({MIN_KEY_CHARS}자 이상). "
        "python -c 'import secrets; print(secrets.token_hex(32))' 로 만드세요.",
        f"The audit key in {where} is too short (at least {MIN_KEY_CHARS} characters); generate one with secrets.token_hex(32).",
    )
