"""Who is signed in, for the pages served inside the office's intranet portal (the web chat and the admin console).

The portal's reverse proxy puts the login id (and optionally directory groups) in headers on every request; there
is no separate login. In development only (GOVBOT_WEB_DEV_LOGIN=true) a cookie set by the chat's name picker
stands in for it. One function, so the console knows people exactly as the chat does.
"""

from __future__ import annotations

from collections.abc import Mapping
from urllib.parse import unquote

from bot.settings import Settings

DEV_COOKIE = "govbot_dev_user"


def portal_user(
    headers: Mapping[str, str], cookies: Mapping[str, str], settings: Settings
) -> tuple[str, tuple[str, ...]] | None:
    """(login id, directory groups), or None when nobody is signed in."""
    user = headers.get(settings.web_user_header, "").strip()
    groups = tuple(g.strip() for g in headers.get(settings.web_groups_header, "").split(",") if g.strip())
    if user:
        return user, groups
    if settings.web_dev_login:
        picked = unquote(cookies.get(DEV_COOKIE, "")).strip()
        if picked:
            return picked, ()
    return None
