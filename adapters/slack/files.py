"""Attachments in (downloaded with the bot token) and result files out (files upload v2).

Downloads go through bot/net/safe_fetch.py: only from files.slack.com, the configured Web API host and
port, and hosts named in slack_onprem_file_hosts; the bot token is sent only to files.slack.com and the
slack_api_url host and port, never after a redirect to another host.
"""

from __future__ import annotations

import logging
from collections.abc import Mapping, Sequence
from typing import Any
from urllib.parse import urlsplit

import aiohttp
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.conversation import Attachment, FilePart
from bot.i18n import t
from bot.net.safe_fetch import DownloadPolicy, DownloadRefused, HostList, TooLarge, fetch, refusal_message

log = logging.getLogger(__name__)

READABLE_SUFFIXES = (".csv", ".xlsx", ".txt", ".pdf", ".docx", ".hwpx")
SLACK_FILE_HOSTS = ("files.slack.com",)


def download_policy(api_url: str | None, onprem_hosts: Sequence[str] = ()) -> DownloadPolicy:
    """Slack's file host plus the configured Web API origin (an on-premises proxy) receive the token."""
    token_hosts = list(SLACK_FILE_HOSTS)
    if api_url:
        parts = urlsplit(api_url)
        if parts.hostname:
            port = parts.port or (443 if parts.scheme == "https" else 80)
            host = f"[{parts.hostname}]" if ":" in parts.hostname else parts.hostname
            token_hosts.append(f"{host}:{port}")
    return DownloadPolicy(
        allowed=HostList.of(token_hosts),
        onprem=HostList.of(onprem_hosts),
        credential_hosts=HostList.of(token_hosts),
    )


def _suffix(name: str) -> str:
    dot = name.rfind(".")
    return name[dot:].lower() if dot != -1 else ""


def _megabytes(size: int) -> str:
    return f"{size / (1024 * 1024):.1f}"


class FileTransfer:
    def __init__(
        self,
        client: AsyncWebClient,
        token: str,
        max_bytes: int,
        *,
        contact: str,
        locale: str,
        policy: DownloadPolicy | None = None,
    ):
        self.client = client
        self._token = token
        self.max_bytes = max_bytes
        self.contact = contact
        self.locale = locale
        self._policy = policy or download_policy(None)

    async def attachments(self, files: Sequence[Mapping[str, Any]]) -> tuple[Attachment, ...]:
        """Every file of a message as an Attachment; one that cannot be read carries `error`."""
        return tuple([await self.download(f) for f in files])

    async def download(self, file: Mapping[str, Any]) -> Attachment:
        name = str(file.get("name") or file.get("title") or file.get("id") or "file")
        content_type = str(file.get("mimetype") or "application/octet-stream")
        if _suffix(name) not in READABLE_SUFFIXES:
            return Attachment(name, content_type, error=t("slack_file_unsupported", self.locale))
        size = int(file.get("size") or 0)
        if size > self.max_bytes:
            return self._too_large(name, content_type, size)
        url = file.get("url_private_download") or file.get("url_private")
        if not url and file.get("id"):
            url = await self._url_from_info(str(file["id"]))
        if not url:
            return self._failed(name, content_type, "no download URL")
        try:
            return await self._fetch(str(url), name, content_type)
        except DownloadRefused as refused:
            log.warning("slack file download refused (%s): %s", refused.reason, refused.host)
            return Attachment(name, content_type, error=refusal_message(refused, "Slack", self.locale))
        except TooLarge as too_large:
            return self._too_large(name, content_type, too_large.seen)
        except (aiohttp.ClientError, TimeoutError) as error:
            log.warning("slack file download failed: %s", type(error).__name__)
            return self._failed(name, content_type, type(error).__name__)

    async def _url_from_info(self, file_id: str) -> str | None:
        try:
            info = await self.client.files_info(file=file_id)
        except SlackApiError as error:
            log.warning("slack files.info failed: %s", error.response.get("error"))
            return None
        found = info.get("file") or {}
        return found.get("url_private_download") or found.get("url_private")

    async def _fetch(self, url: str, name: str, content_type: str) -> Attachment:
        headers = {"Authorization": f"Bearer {self._token}"}
        got = await fetch(url, self._policy, max_bytes=self.max_bytes, credentials=headers, timeout_seconds=60)
        if got.status != 200:
            return self._failed(name, content_type, f"HTTP {got.status}")
        # Without files:read Slack answers 200 with its sign-in page instead of the file.
        if got.content_type == "text/html" and not name.lower().endswith((".html", ".htm")):
            return Attachment(
                name, content_type, error=t("slack_file_no_permission", self.locale, contact=self.contact)
            )
        return Attachment(name, content_type, got.data)

    def _too_large(self, name: str, content_type: str, size: int) -> Attachment:
        limit_mb = self.max_bytes // (1024 * 1024)
        return Attachment(
            name,
            content_type,
            error=t("slack_file_too_large", self.locale, size_mb=_megabytes(size), limit_mb=limit_mb),
        )

    def _failed(self, name: str, content_type: str, reason: str) -> Attachment:
        return Attachment(
            name, content_type, error=t("slack_file_download_failed", self.locale, reason=reason, contact=self.contact)
        )

    async def upload(self, channel: str, thread_ts: str | None, files: Sequence[FilePart]) -> list[str]:
        """Upload result files into the thread (files upload v2); the names that failed."""
        failed = []
        for part in files:
            try:
                await self.client.files_upload_v2(
                    channel=channel,
                    thread_ts=thread_ts,
                    content=part.data,
                    filename=part.name,
                    title=part.title or part.name,
                )
            except SlackApiError as error:
                log.warning("slack upload failed in %s: %s", channel, error.response.get("error"))
                failed.append(part.name)
        return failed
