"""Files in and out of Teams.

In: a personal chat's file arrives as a `file.download.info` attachment with a short-lived
`downloadUrl` (pre-authorised by Teams; no bot token needed). We stream it with a size cap, so a huge
file costs nothing, and every failure becomes an `Attachment.error` the bot answers about. The URL is
chosen by whoever posts the activity, so it is fetched only from Teams' own download hosts (or hosts
named in teams_onprem_file_hosts) through bot/net/safe_fetch.py, never from internal addresses.
Out: bots cannot attach arbitrary bytes to a channel message, so result files are served by govbot
behind an unguessable, expiring link shown as a card button.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from urllib.parse import quote

import aiohttp
from aiohttp import web

from adapters.teams.activities import FileRef
from bot.conversation import Attachment, FilePart, Reply
from bot.downloads import Downloads
from bot.i18n import t
from bot.net.safe_fetch import DownloadPolicy, DownloadRefused, HostList, TooLarge, fetch, refusal_message

log = logging.getLogger(__name__)
FILES_ROUTE = "/api/teams/files/{token}"
_OWNER = "teams"  # links are capabilities: whoever holds the unguessable token within its lifetime


# Where Teams puts attachment bytes: inline images and Bot Framework attachments on the connector's hosts,
# personal-chat files (file consent / file.download.info `downloadUrl`) on SharePoint / OneDrive for Business.
TEAMS_FILE_HOSTS = ("smba.trafficmanager.net", "*.botframework.com", "*.sharepoint.com")


def download_policy(onprem_hosts: Sequence[str] = ()) -> DownloadPolicy:
    """Teams' own hosts (HTTPS, public addresses) plus the installation's on-premises/test hosts."""
    return DownloadPolicy(allowed=HostList.of(TEAMS_FILE_HOSTS), onprem=HostList.of(onprem_hosts))


class AttachmentFetcher:
    def __init__(self, max_bytes: int, *, policy: DownloadPolicy | None = None, timeout_seconds: float = 30):
        self._max = max_bytes
        self._policy = policy or download_policy()
        self._timeout = timeout_seconds

    async def fetch_all(self, refs: list[FileRef], locale: str) -> tuple[Attachment, ...]:
        return tuple([await self.fetch(ref, locale) for ref in refs])

    async def fetch(self, ref: FileRef, locale: str) -> Attachment:
        limit_mb = max(1, self._max // (1024 * 1024))
        if not ref.url:
            return Attachment(ref.name, ref.content_type, error=t("teams_attachment_no_url", locale))
        try:
            got = await fetch(ref.url, self._policy, max_bytes=self._max, timeout_seconds=self._timeout)
        except DownloadRefused as refused:
            log.warning("Teams attachment download refused (%s): %s", refused.reason, refused.host)
            return Attachment(ref.name, ref.content_type, error=refusal_message(refused, "Teams", locale))
        except TooLarge:
            return Attachment(ref.name, ref.content_type, error=t("teams_attachment_too_large", locale, limit=limit_mb))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Teams attachment download failed: %s", type(error).__name__)
            return Attachment(
                ref.name, ref.content_type, error=t("teams_attachment_failed", locale, reason=type(error).__name__)
            )
        if got.status != 200:
            return Attachment(
                ref.name, ref.content_type, error=t("teams_attachment_failed", locale, reason=f"HTTP {got.status}")
            )
        return Attachment(ref.name, ref.content_type, got.data)


class FileLinks:
    """Result files kept in memory for a while and served at FILES_ROUTE.

    Without an explicit public URL, links use the origin Teams posted activities to: the messaging
    endpoint must be reachable from Teams anyway, and the files are served from the same place.
    """

    def __init__(self, public_url: str | None, fallback_url: str, downloads: Downloads | None = None):
        self._explicit = public_url.rstrip("/") if public_url else None
        self._base = self._explicit or fallback_url.rstrip("/")
        self._downloads = downloads or Downloads()

    def observe(self, origin: str) -> None:
        """The origin of the latest request to the messaging endpoint (used when no public URL is set)."""
        if self._explicit is None:
            self._base = origin.rstrip("/")

    async def for_reply(self, reply: Reply) -> Callable[[FilePart], str]:
        """Store the reply's files (shared state: any serve process answers the link) and return the card's
        file -> URL function."""
        urls = {
            id(part): f"{self._base}/api/teams/files/{await self._downloads.put(part, _OWNER)}"
            for part in reply.parts
            if isinstance(part, FilePart)
        }
        return lambda part: urls[id(part)]

    async def serve(self, request: web.Request) -> web.Response:
        part = await self._downloads.get(request.match_info["token"], _OWNER)
        if part is None:
            return web.json_response(
                {
                    "error": "not_found",
                    "message": "파일이 없거나 만료되었습니다. Teams에서 다시 요청해 주세요. / The file is gone or expired; ask again in Teams.",
                },
                status=404,
            )
        return web.Response(
            body=part.data,
            content_type=part.content_type,
            headers={
                "Content-Disposition": f"attachment; filename*=UTF-8''{quote(part.name, safe='')}",
                "Cache-Control": "no-store",
            },
        )
