"""The HTTP endpoint's gate: Slack's signature is checked on the raw bytes BEFORE anything parses them.

Bolt parses the body (JSON, form, `payload=`) before its own signature middleware runs, so a forged
request with a malformed body reached the parser and got a 500 with a traceback in the log. Here an
unsigned or stale request gets 401 without being parsed, and a signed but malformed one gets 400.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import re
import time
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any
from urllib.parse import parse_qs

MAX_AGE_SECONDS = 5 * 60  # Slack's documented replay window
_TIMESTAMP = re.compile(r"^[0-9]{1,12}$")
_SIGNATURE = re.compile(r"^v0=[0-9a-f]{64}$")


@dataclass(frozen=True, slots=True)
class Verdict:
    status: int  # 200: hand it to bolt; 401: not from Slack; 400: from Slack but unreadable
    reason: str = ""  # for the log: a category, never the body
    text: str = ""  # the decoded body when status is 200


def signature_valid(
    secret: str, body: bytes, timestamp: str | None, signature: str | None, *, now: Callable[[], float] = time.time
) -> bool:
    """Slack's scheme, v0=HMAC-SHA256(secret, "v0:{timestamp}:{body}"), over the raw bytes (so a body that is
    not UTF-8 is simply checked, not decoded first), with a numeric timestamp within five minutes."""
    if not secret or not timestamp or not signature or not _TIMESTAMP.match(timestamp):
        return False
    if not _SIGNATURE.match(signature) or abs(now() - int(timestamp)) > MAX_AGE_SECONDS:
        return False
    expected = "v0=" + hmac.new(secret.encode(), b"v0:" + timestamp.encode() + b":" + body, hashlib.sha256).hexdigest()
    return hmac.compare_digest(expected, signature)


def _is_object(value: Any) -> bool:
    return isinstance(value, dict)


def _json_object(text: str) -> dict[str, Any] | None:
    try:
        value = json.loads(text)
    except ValueError:
        return None
    return value if isinstance(value, dict) else None


def body_problem(text: str, content_type: str) -> str | None:
    """Why a (signed) body is not a Slack payload bolt can handle, or None when it is. Mirrors bolt's own
    choice of parser: JSON when the type says so or the body starts with "{", a form otherwise."""
    if content_type == "application/json" or text.startswith("{"):
        body = _json_object(text)
        if body is None:
            return "json"
        if body.get("type") == "event_callback" and not _is_object(body.get("event")):
            return "event"
        authorizations = body.get("authorizations")
        if authorizations is not None and not (
            isinstance(authorizations, list) and all(_is_object(a) for a in authorizations)
        ):
            return "authorizations"
        return None
    try:
        form = parse_qs(text, keep_blank_values=True, strict_parsing=bool(text), errors="strict")
    except (ValueError, UnicodeDecodeError):
        return "form"
    if "payload" in form:
        payload = _json_object(form["payload"][0])
        if payload is None:
            return "payload"
        for key in ("user", "channel", "container", "message", "team", "enterprise"):
            if payload.get(key) is not None and not _is_object(payload[key]):
                return "payload"
        actions = payload.get("actions")
        if actions is not None and not (isinstance(actions, list) and all(_is_object(a) for a in actions)):
            return "payload"
    return None


def check(
    secret: str,
    body: bytes,
    content_type: str,
    timestamp: str | None,
    signature: str | None,
    *,
    now: Callable[[], float] = time.time,
) -> Verdict:
    """Signature first, then the shape: only a signed, well-formed body reaches bolt."""
    if not signature_valid(secret, body, timestamp, signature, now=now):
        return Verdict(401, "signature")
    try:
        text = body.decode("utf-8")
    except UnicodeDecodeError:
        return Verdict(400, "encoding")
    problem = body_problem(text, content_type)
    if problem is not None:
        return Verdict(400, problem)
    return Verdict(200, text=text)
