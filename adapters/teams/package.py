"""The Teams app package an administrator uploads to the Teams admin center: manifest.json from this
folder with the app id, office name and domain filled in, plus the two icons Teams requires.

Pure (no botbuilder): `govbot teams package --app-id … --domain …`.
"""

from __future__ import annotations

import io
import json
import re
import struct
import zipfile
import zlib
from pathlib import Path

from bot.i18n import LocalizedValueError

MANIFEST = Path(__file__).parent / "manifest" / "manifest.json"
_GUID = re.compile(r"^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$")
_DOMAIN = re.compile(r"^(?=.{1,253}$)([A-Za-z0-9-]{1,63}\.)+[A-Za-z]{2,63}$")


class PackageError(LocalizedValueError):
    """What is wrong with the inputs (`.ko`, `.en`)."""


def build_manifest(app_id: str, domain: str, organisation: str) -> dict:
    if not _GUID.match(app_id or ""):
        raise PackageError("teams_package_bad_app_id", app_id=repr(app_id))
    if not _DOMAIN.match(domain or ""):
        raise PackageError("teams_package_bad_domain", domain=repr(domain))
    text = MANIFEST.read_text(encoding="utf-8")
    for key, value in (("MicrosoftAppId", app_id.lower()), ("domain", domain), ("organisation", organisation)):
        text = text.replace("{{" + key + "}}", json.dumps(value, ensure_ascii=False)[1:-1])
    manifest = json.loads(text)
    full = manifest["name"]["full"]
    if len(full) > 100:
        manifest["name"]["full"] = full[:100]
    return manifest


def build_package(app_id: str, domain: str, organisation: str) -> bytes:
    """The zip: manifest.json, color.png (192×192) and outline.png (32×32, white on transparent)."""
    manifest = build_manifest(app_id, domain, organisation)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("manifest.json", json.dumps(manifest, ensure_ascii=False, indent=2))
        archive.writestr("color.png", _icon(192, (0x1F, 0x4E, 0x9A, 255), (255, 255, 255, 255)))
        archive.writestr("outline.png", _icon(32, (0, 0, 0, 0), (255, 255, 255, 255)))
    return buffer.getvalue()


def _icon(size: int, background: tuple[int, int, int, int], foreground: tuple[int, int, int, int]) -> bytes:
    """A speech bubble, drawn without an imaging library (RGBA PNG)."""
    rows = []
    for y in range(size):
        row = bytearray([0])  # filter: none
        for x in range(size):
            u, v = (x + 0.5) / size, (y + 0.5) / size
            bubble = ((u - 0.5) / 0.36) ** 2 + ((v - 0.45) / 0.28) ** 2 <= 1
            tail = 0.28 <= u <= 0.42 and 0.62 <= v <= 0.82 and (u - 0.28) <= (0.82 - v)
            row.extend(foreground if bubble or tail else background)
        rows.append(bytes(row))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)

    header = struct.pack(">IIBBBBB", size, size, 8, 6, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(b"".join(rows), 9))
        + chunk(b"IEND", b"")
    )
