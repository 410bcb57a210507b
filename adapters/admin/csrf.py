"""CSRF tokens for the console's forms: per browser session, an HMAC of the session id and the signed-in official.

The portal's proxy adds the identity header to every request, so a form on another site posted at /admin would act
as the admin. Every state-changing form therefore carries a token that only a page served to this session can
know; the server recomputes it and compares in constant time (besides the Origin check in bot/origin.py).
"""

from __future__ import annotations

import hashlib
import hmac
import secrets

SESSION_COOKIE = "govbot_admin_session"


def new_session() -> str:
    return secrets.token_urlsafe(24)


def token(key: bytes, session: str, user_id: str) -> str:
    return hmac.new(key, f"{session}\x00{user_id}".encode(), hashlib.sha256).hexdigest()


def valid(key: bytes, session: str, user_id: str, presented: str) -> bool:
    """True only for the token of this session and this official; False for a missing session or token."""
    if not session or not presented:
        return False
    return hmac.compare_digest(token(key, session, user_id), presented)
