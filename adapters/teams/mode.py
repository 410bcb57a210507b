"""Whether and how the Teams endpoint is served, decided once from the settings (pure; no I/O).

`/api/messages` trusts the sender's Teams id, so it may only exist where something vouches for the
sender: Azure Bot Service's signed token (MicrosoftAppId set), or, for development only, the TCP
connection coming from this very machine (GOVBOT_TEAMS_DEV_EMULATOR=true). With neither, there is
no Teams endpoint at all. `govbot check-config` and start-up both read these problems.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from urllib.parse import urlsplit

from adapters.teams.credentials import BotFrameworkConfig
from bot.i18n import both


class TeamsMode(Enum):
    OFF = "off"  # not configured: no routes mounted
    EMULATOR = "emulator"  # development: unauthenticated, loopback TCP peers and serviceUrls only
    BOT_SERVICE = "bot_service"  # Azure Bot Service: every request carries a verified token


@dataclass(frozen=True)
class SetupProblem:
    message: str  # Korean / English
    fatal: bool = True  # False: a warning (govbot still runs as intended)


def teams_mode(credentials: BotFrameworkConfig, *, dev_emulator: bool) -> TeamsMode:
    """An app id always means authenticated requests; the emulator needs an explicit development switch."""
    if credentials.APP_ID:
        return TeamsMode.BOT_SERVICE
    return TeamsMode.EMULATOR if dev_emulator else TeamsMode.OFF


def public_url_problem(public_url: str | None) -> str | None:
    """Result-file links are built from this URL only; a request's Host header never decides them."""
    if not public_url:
        return both("teams_public_url_required")
    parts = urlsplit(public_url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        return both("teams_public_url_invalid", url=public_url)
    return None


def endpoint_problems(
    credentials: BotFrameworkConfig, *, dev_emulator: bool, public_url: str | None, web_dev_login: bool
) -> list[str]:
    """What stops the endpoint from serving (it then answers 503 naming them, and start-up says so)."""
    mode = teams_mode(credentials, dev_emulator=dev_emulator)
    if mode is TeamsMode.EMULATOR:
        # GOVBOT_WEB_DEV_LOGIN=false marks a production installation: no development back doors there.
        return [] if web_dev_login else [both("teams_dev_emulator_in_production")]
    if mode is TeamsMode.OFF:
        return []
    problems = credentials.problems()
    problem = public_url_problem(public_url)
    if problem:
        problems.append(problem)
    return problems


def setup_problems(
    credentials: BotFrameworkConfig, *, dev_emulator: bool, public_url: str | None, web_dev_login: bool
) -> list[SetupProblem]:
    """Everything `govbot check-config` says about the Teams settings."""
    mode = teams_mode(credentials, dev_emulator=dev_emulator)
    found = [
        SetupProblem(p)
        for p in endpoint_problems(
            credentials, dev_emulator=dev_emulator, public_url=public_url, web_dev_login=web_dev_login
        )
    ]
    if mode is TeamsMode.BOT_SERVICE:
        if dev_emulator:
            found.append(SetupProblem(both("teams_dev_emulator_with_app_id"), fatal=False))
    elif public_url:
        problem = public_url_problem(public_url)
        if problem:
            found.append(SetupProblem(problem))
    return found
