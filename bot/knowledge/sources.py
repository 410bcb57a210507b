"""Which files a collection's paths name: every supported file of a folder (named relative to it), or
the file itself. Shared by `govbot knowledge add` and the app.yaml collections (`govbot knowledge sync`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from bot.knowledge.formats import supported

NOTES = {"SOURCE.MD", "README.MD"}  # notes about a folder, not documents of it


def files_of(paths: Iterable[Path]) -> tuple[list[tuple[str, Path]], list[Path]]:
    """((source name, path) of every supported file, paths that do not exist)."""
    found: list[tuple[str, Path]] = []
    missing: list[Path] = []
    for path in paths:
        if path.is_dir():
            for file in sorted(p for p in path.rglob("*") if p.is_file() and supported(p.name)):
                if file.name.upper() not in NOTES:
                    found.append((f"{path.name}/{file.relative_to(path).as_posix()}", file))
        elif path.is_file():
            found.append((path.name, path))
        else:
            missing.append(path)
    return found, missing


def resolve(paths: Iterable[str], base: Path) -> list[Path]:
    """app.yaml paths: absolute, or relative to the folder of app.yaml."""
    return [Path(p) if Path(p).is_absolute() else base / p for p in paths]
