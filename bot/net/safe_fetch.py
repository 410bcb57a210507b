"""Downloads of user-supplied URLs that cannot be turned against govbot's own network (SSRF).

An attachment URL comes from a chat event, so whoever can post a message chooses it. A download
therefore goes only to hosts on the adapter's allow-list, over HTTPS, to public addresses; hosts an
installation names for on-premises use (or tests) may also use plain HTTP and private addresses.
Every resolved address is checked and aiohttp connects to exactly those (the check lives in the
resolver), so DNS rebinding cannot swap in another address between check and connect. Redirects are
followed by hand, each hop checked again, and credentials travel only to their own origin.
"""

from __future__ import annotations

import ipaddress
import logging
import socket
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any
from urllib.parse import urljoin, urlsplit

import aiohttp
from aiohttp.abc import AbstractResolver, ResolveResult
from aiohttp.resolver import ThreadedResolver

from bot.i18n import t

log = logging.getLogger(__name__)

IPAddress = ipaddress.IPv4Address | ipaddress.IPv6Address
_CHUNK = 64 * 1024
_REDIRECTS = (301, 302, 303, 307, 308)
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class DownloadRefused(Exception):
    """The URL (or a redirect hop, or an address it resolves to) is not one govbot may fetch.

    `reason` is one of "scheme", "host", "address", "credentials", "redirects"; `host` is what was refused.
    """

    def __init__(self, reason: str, host: str):
        super().__init__(f"{reason}: {host}")
        self.reason = reason
        self.host = host


class TooLarge(Exception):
    """The body exceeded the limit; `seen` is how many bytes were known when we stopped."""

    def __init__(self, seen: int):
        super().__init__(f"more than the limit ({seen} bytes seen)")
        self.seen = seen


# ---- pure checks --------------------------------------------------------------------------


def normalize_host(host: str) -> str:
    """Lower-case, without a trailing dot or IPv6 brackets; IP literals in their canonical form."""
    host = host.strip().strip("[]").rstrip(".").lower()
    try:
        return str(ipaddress.ip_address(host))
    except ValueError:
        return host


def _split_pattern(pattern: str) -> tuple[str, int | None]:
    """ "host", "*.domain", "host:port", "[::1]:port" → (normalized host pattern, port or None)."""
    pattern = pattern.strip()
    if pattern.startswith("["):
        host, _, rest = pattern[1:].partition("]")
        port = rest[1:] if rest.startswith(":") else ""
    elif pattern.count(":") == 1:
        host, _, port = pattern.partition(":")
    else:
        host, port = pattern, ""
    return normalize_host(host), (int(port) if port else None)


def host_matches(host: str, port: int, pattern: str) -> bool:
    """`pattern` is an exact host or "*.domain" (any sub-domain, not the domain itself), with an optional port."""
    want_host, want_port = _split_pattern(pattern)
    if not want_host or (want_port is not None and want_port != port):
        return False
    host = normalize_host(host)
    if want_host.startswith("*."):
        suffix = want_host[1:]
        return host.endswith(suffix) and len(host) > len(suffix)
    return host == want_host


@dataclass(frozen=True)
class HostList:
    patterns: tuple[str, ...] = ()

    @classmethod
    def of(cls, patterns: Iterable[str]) -> HostList:
        return cls(tuple(p.strip() for p in patterns if p and p.strip()))

    def matches(self, host: str, port: int) -> bool:
        return any(host_matches(host, port, p) for p in self.patterns)

    def __add__(self, other: HostList) -> HostList:
        return HostList(self.patterns + other.patterns)


def embedded_ipv4(address: IPAddress) -> ipaddress.IPv4Address | None:
    """The IPv4 address an IPv6 one carries (mapped, 6to4, Teredo, NAT64): it is where packets end up."""
    if isinstance(address, ipaddress.IPv4Address):
        return None
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address.teredo is not None:
        return address.teredo[1]
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def is_public_address(address: IPAddress) -> bool:
    """Routable on the internet: not loopback, private, link-local (cloud metadata), shared, multicast, reserved…"""
    inner = embedded_ipv4(address)
    if inner is not None and not is_public_address(inner):
        return False
    return bool(
        address.is_global
        and not address.is_multicast
        and not address.is_reserved
        and not address.is_loopback
        and not address.is_link_local
        and not address.is_unspecified
        and not address.is_private
    )


def default_port(scheme: str) -> int:
    return 443 if scheme == "https" else 80


@dataclass(frozen=True)
class DownloadPolicy:
    """Where an adapter may download from.

    `allowed`: the platform's own file hosts (HTTPS and public addresses only).
    `onprem`: hosts the installation names for on-premises servers or tests (HTTP and private addresses allowed).
    `credential_hosts`: the only hosts the adapter's credentials (e.g. the Slack bot token) may be sent to.
    """

    allowed: HostList
    onprem: HostList = HostList()
    credential_hosts: HostList = HostList()
    max_redirects: int = 5

    def may_use_private(self, host: str, port: int) -> bool:
        return self.onprem.matches(host, port)


@dataclass(frozen=True)
class Target:
    url: str
    scheme: str
    host: str
    port: int


def check_url(url: str, policy: DownloadPolicy) -> Target:
    """The URL's target when policy allows fetching it (before DNS); DownloadRefused otherwise."""
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError as error:
        raise DownloadRefused("host", "?") from error
    scheme = parts.scheme.lower()
    host = normalize_host(parts.hostname or "")
    if scheme not in ("https", "http"):
        raise DownloadRefused("scheme", scheme or "?")
    if not host:
        raise DownloadRefused("host", "?")
    if parts.username is not None or parts.password is not None:
        raise DownloadRefused("credentials", host)
    port = port or default_port(scheme)
    onprem = policy.onprem.matches(host, port)
    if not onprem and not policy.allowed.matches(host, port):
        raise DownloadRefused("host", host)
    if scheme != "https" and not onprem:
        raise DownloadRefused("scheme", scheme)
    try:
        literal = ipaddress.ip_address(host)
    except ValueError:
        literal = None
    if literal is not None and not onprem and not is_public_address(literal):
        raise DownloadRefused("address", host)
    return Target(url, scheme, host, port)


def check_addresses(host: str, port: int, addresses: Iterable[str], policy: DownloadPolicy) -> None:
    """Every address a host resolved to must be public, unless the host is named for on-premises use."""
    if policy.may_use_private(host, port):
        return
    for text in addresses:
        if not is_public_address(ipaddress.ip_address(text.split("%", 1)[0])):
            raise DownloadRefused("address", normalize_host(host))


# ---- the download -------------------------------------------------------------------------


class GuardedResolver(AbstractResolver):
    """Resolves, checks every address, and hands aiohttp only checked ones: it connects to what was checked."""

    def __init__(self, policy: DownloadPolicy, inner: AbstractResolver | None = None):
        self._policy = policy
        self._inner = inner or ThreadedResolver()

    async def resolve(
        self, host: str, port: int = 0, family: socket.AddressFamily = socket.AF_INET
    ) -> list[ResolveResult]:
        results = await self._inner.resolve(host, port, family)
        check_addresses(host, port, [r["host"] for r in results], self._policy)
        return results

    async def close(self) -> None:
        await self._inner.close()


@dataclass(frozen=True)
class Fetched:
    """A response: its body is read (within the limit) only when the status is 200."""

    status: int
    content_type: str
    data: bytes
    url: str


async def fetch(
    url: str,
    policy: DownloadPolicy,
    *,
    max_bytes: int,
    credentials: Mapping[str, str] | None = None,
    timeout_seconds: float = 60,
    resolver: AbstractResolver | None = None,
) -> Fetched:
    """GET `url` within `policy`; raises DownloadRefused, TooLarge, aiohttp.ClientError or TimeoutError.

    `credentials` (headers such as Authorization) are sent only to the first URL's own host and port, and
    only when that is one of the policy's credential hosts; never after a redirect to another host.
    """
    first = check_url(url, policy)
    send_credentials = bool(credentials) and policy.credential_hosts.matches(first.host, first.port)
    connector = aiohttp.TCPConnector(resolver=GuardedResolver(policy, resolver), use_dns_cache=False)
    timeout = aiohttp.ClientTimeout(total=timeout_seconds)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout, trust_env=False) as session:
        target = first
        for _hop in range(policy.max_redirects + 1):
            same_origin = (target.host, target.port, target.scheme) == (first.host, first.port, first.scheme)
            headers: dict[str, Any] = dict(credentials or {}) if send_credentials and same_origin else {}
            async with session.get(target.url, headers=headers, allow_redirects=False) as response:
                if response.status in _REDIRECTS and response.headers.get("Location"):
                    next_url = urljoin(target.url, response.headers["Location"])
                    try:
                        target = check_url(next_url, policy)
                    except DownloadRefused as refused:
                        log.warning("download redirect refused (%s): %s", refused.reason, refused.host)
                        raise DownloadRefused("redirect", refused.host) from refused
                    continue
                if response.status != 200:
                    return Fetched(response.status, response.content_type, b"", target.url)
                return Fetched(200, response.content_type, await _read_capped(response, max_bytes), target.url)
    raise DownloadRefused("redirects", first.host)


async def _read_capped(response: aiohttp.ClientResponse, max_bytes: int) -> bytes:
    declared = response.content_length
    if declared is not None and declared > max_bytes:
        raise TooLarge(declared)
    data = bytearray()
    async for chunk in response.content.iter_chunked(_CHUNK):
        data += chunk
        if len(data) > max_bytes:
            raise TooLarge(len(data))
    return bytes(data)


def refusal_message(refused: DownloadRefused, platform: str, locale: str) -> str:
    """Why the file was not read, for the official (Korean or English), naming the refused host."""
    return t(f"download_refused_{refused.reason}", locale, host=refused.host, platform=platform)
