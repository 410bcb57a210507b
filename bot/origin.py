"""Cross-site request forgery defence for the web chat's and the admin console's state-changing routes.

The user's identity comes from a header the portal's reverse proxy adds to *every* request, so a page on
another site that makes the browser POST to govbot would act as the signed-in official (it once ran
`/quota set` as an admin). Browsers tell us where a request comes from (Origin, Sec-Fetch-Site) and
cannot send `application/json` cross-site without a CORS preflight, which govbot never grants. So a
request is accepted when it proves it is same-origin, or when it carries no browser origin headers at
all (a script or curl) and uses the JSON type a cross-site form cannot produce.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from dataclasses import dataclass
from typing import Literal
from urllib.parse import urlsplit

Verdict = Literal["ok", "cross_site", "json_required"]


@dataclass(frozen=True, slots=True)
class RequestOrigin:
    """What the request says about itself (header values, empty when absent)."""

    content_type: str  # the media type only, lower case (e.g. "application/json")
    origin: str = ""
    sec_fetch_site: str = ""
    host: str = ""  # the Host header (or X-Forwarded-Host behind the portal's proxy)


def from_headers(headers: Mapping[str, str], host: str, content_type: str) -> tuple[RequestOrigin, list[str]]:
    """What a request says about itself, and the hosts it may come from (its Host and, behind the portal's proxy,
    X-Forwarded-Host): the one reading of the headers that the web chat and the admin console share."""
    forwarded = headers.get("X-Forwarded-Host", "")
    told = RequestOrigin(
        content_type=content_type.lower(),
        origin=headers.get("Origin", ""),
        sec_fetch_site=headers.get("Sec-Fetch-Site", ""),
    )
    return told, [host, *[h.strip() for h in forwarded.split(",")]]


def _same_origin(origin: str, hosts: Collection[str], allowed: Collection[str]) -> bool:
    if origin in allowed:
        return True
    try:
        parts = urlsplit(origin)
    except ValueError:
        return False
    serialised = parts.scheme in ("http", "https") and not (parts.path or parts.query or parts.fragment)
    return serialised and bool(parts.netloc) and parts.netloc.lower() in hosts  # an Origin is scheme://host[:port]


def check(
    request: RequestOrigin,
    *,
    hosts: Collection[str],
    allowed_origins: Collection[str] = (),
    multipart_allowed: bool = False,
    form_allowed: bool = False,
) -> Verdict:
    """Decide whether a state-changing request may run.

    `hosts` are the host[:port] names govbot is reached by (Host, X-Forwarded-Host); `allowed_origins`
    are extra full origins the office trusts (e.g. the portal that embeds the chat). Multipart bodies
    (attachment uploads) need a positive same-origin proof, since a cross-site form can send them; so do the admin
    console's url-encoded forms (`form_allowed`), which carry a CSRF token besides.
    """
    hosts = {h.lower() for h in hosts if h}
    site = request.sec_fetch_site.lower()
    # cross-site, same-site (another intranet host) and none (typed URL / bookmark) are not our page,
    # unless the office listed that origin explicitly.
    if site and site != "same-origin" and not (request.origin and request.origin in allowed_origins):
        return "cross_site"
    if request.origin and request.origin != "null" and not _same_origin(request.origin, hosts, allowed_origins):
        return "cross_site"
    if request.origin == "null":  # sandboxed frames, file: pages, redirects: never our page
        return "cross_site"
    proven = site == "same-origin" or bool(request.origin)
    if request.content_type == "application/json":
        return "ok"
    if multipart_allowed and request.content_type == "multipart/form-data" and proven:
        return "ok"
    if form_allowed and request.content_type == "application/x-www-form-urlencoded" and proven:
        return "ok"
    return "json_required"
