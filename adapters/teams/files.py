"""Files in and out of Teams.

In: a personal chat's file arrives as a `file.download.info` attachment with a short-lived
`downloadUrl` (pre-authorised by Teams; no bot token needed). We stream it with a size cap, so a huge
file costs nothing, and every failure becomes an `Attachment.error` the bot answers about.
Out: bots cannot attach arbitrary bytes to a channel message, so result files are served by govbot
behind an unguessable, expiring link shown as a card button.
"""

from __future__ import annotations

import logging
from urllib.parse import quote, urlsplit

import aiohttp
from aiohttp import web

from adapters.teams.activities import FileRef
from bot.conversation import Attachment, FilePart
from bot.downloads import Downloads
from bot.i18n import t

log = logging.getLogger(__name__)
FILES_ROUTE = "/api/teams/files/{token}"
_OWNER = "teams"  # links are capabilities: whoever holds the unguessable token within its lifetime


class AttachmentFetcher:
    def __init__(self, max_bytes: int, *, allow_http: bool, timeout_seconds: float = 30):
        self._max = max_bytes
        self._allow_http = allow_http  # plain http only in emulator mode (the fake connector on 127.0.0.1)
        self._timeout = aiohttp.ClientTimeout(total=timeout_seconds)

    async def fetch_all(self, refs: list[FileRef], locale: str) -> tuple[Attachment, ...]:
        return tuple([await self.fetch(ref, locale) for ref in refs])

    async def fetch(self, ref: FileRef, locale: str) -> Attachment:
        limit_mb = max(1, self._max // (1024 * 1024))
        if not ref.url:
            return Attachment(ref.name, ref.content_type, error=t("teams_attachment_no_url", locale))
        scheme = urlsplit(ref.url).scheme
        if scheme != "https" and not (self._allow_http and scheme == "http"):
            return Attachment(
                ref.name, ref.content_type, error=t("teams_attachment_failed", locale, reason=f"{scheme} URL")
            )
        try:
            async with aiohttp.ClientSession(timeout=self._timeout) as session:
                async with session.get(ref.url) as response:
                    if response.status != 200:
                        return Attachment(
                            ref.name,
                            ref.content_type,
                            error=t("teams_attachment_failed", locale, reason=f"HTTP {response.status}"),
                        )
                    declared = response.content_length
                    if declared is not None and declared > self._max:
                        return Attachment(
                            ref.name, ref.content_type, error=t("teams_attachment_too_large", locale, limit=limit_mb)
                        )
                    data = bytearray()
                    async for chunk in response.content.iter_chunked(64 * 1024):
                        data.extend(chunk)
                        if len(data) > self._max:
                            return Attachment(
                                ref.name,
                                ref.content_type,
                                error=t("teams_attachment_too_large", locale, limit=limit_mb),
                            )
                    return Attachment(ref.name, ref.content_type, bytes(data))
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("Teams attachment download failed: %s", type(error).__name__)
            return Attachment(
                ref.name, ref.content_type, error=t("teams_attachment_failed", locale, reason=type(error).__name__)
            )


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

    def link(self, part: FilePart) -> str:
        return f"{self._base}/api/teams/files/{self._downloads.put(part, _OWNER)}"

    async def serve(self, request: web.Request) -> web.Response:
        part = self._downloads.get(request.match_info["token"], _OWNER)
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
