"""Is this address on this machine? The two checks of the development emulator mode (pure; no I/O, no DNS).

Strict on purpose: a URL whose parts different parsers could read differently (user info, backslashes,
no scheme) is not loopback, and neither is an empty one.
"""

from __future__ import annotations

import ipaddress
from typing import Any
from urllib.parse import urlsplit

_LOCAL_NAMES = frozenset({"localhost"})


def is_loopback_address(host: str) -> bool:
    """An IP literal in 127.0.0.0/8 or ::1 (also as an IPv4-mapped IPv6 address); names are not resolved."""
    if not host:
        return False
    try:
        address = ipaddress.ip_address(host.split("%", 1)[0])
    except ValueError:
        return False
    if isinstance(address, ipaddress.IPv6Address) and address.ipv4_mapped is not None:
        address = address.ipv4_mapped
    return address.is_loopback


def is_loopback_url(url: str) -> bool:
    """An http(s) URL whose host is this machine; anything ambiguous or empty is not."""
    if not url or "\\" in url or any(ord(c) < 33 for c in url):
        return False
    try:
        parts = urlsplit(url)
        parts.port  # noqa: B018 - raises ValueError on a malformed port
    except ValueError:
        return False
    if parts.scheme not in ("http", "https") or "@" in parts.netloc:
        return False
    host = (parts.hostname or "").rstrip(".")
    return host in _LOCAL_NAMES or is_loopback_address(host)


def server_origin(sockname: Any) -> str:
    """http://host:port of the socket this server accepted the request on (its own address, not a header)."""
    if not isinstance(sockname, tuple) or len(sockname) < 2:
        return "http://127.0.0.1"
    host, port = str(sockname[0]), int(sockname[1])
    if ":" in host:
        host = f"[{host}]"
    return f"http://{host}:{port}"
