"""The import graph runs one way: adapters -> bot (core) <- assistants/skills.

Reads every module's imports with `ast` (nothing is imported) and fails on an edge that points the wrong way,
naming the file and line, so a shortcut across layers is caught in review rather than found in a cycle.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
# Only the composition root may know every adapter.
COMPOSITION_ROOT = {"bot.server", "bot.cli", "bot.runtime"}
# Layers below dispatch: they serve every caller and must not reach up into who calls them.
FOUNDATION = ("bot.conversation", "bot.gateway", "bot.privacy", "bot.store", "bot.quota", "bot.audit", "bot.wordfilter")
UPPER = ("bot.dispatch", "bot.authoring", "assistants.skills", "adapters")
# An adapter is a translator: it talks to the bot only through bot.conversation.Bot, never to its insides.
BEHIND_THE_BOT = ("bot.dispatch", "bot.authoring", "assistants")
# A messenger adapter is given an AdapterHost (the Bot, settings, the poster registry), never the Runtime or the
# parts behind it; only the OpenAI-compatible API, which is the gateway over HTTP, mounts with the Runtime.
# The admin console is held to the same: it mounts with a ConsoleHost and changes things through bot.admin.
MESSENGERS = ("adapters.web", "adapters.slack", "adapters.teams", "adapters.console", "adapters.admin")
BEHIND_THE_HOST = ("bot.runtime", "bot.store", "bot.gateway", "bot.quota", "bot.server")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imports(path: Path) -> Iterator[tuple[int, str]]:
    """(line, imported module) for every import in `path`, relative imports resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = module_name(path).rsplit(".", 1)[0] if path.name != "__init__.py" else module_name(path)
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield node.lineno, alias.name
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - node.level + 1]
                yield node.lineno, ".".join([*base, node.module] if node.module else base)
            elif node.module:
                yield node.lineno, node.module


def modules(*packages: str) -> list[Path]:
    return sorted(p for package in packages for p in (ROOT / package).rglob("*.py"))


def within(name: str, prefixes: tuple[str, ...] | set[str]) -> bool:
    return any(name == p or name.startswith(p + ".") for p in prefixes)


def wrong_way_edges() -> list[str]:
    edges = []
    for path in modules("bot", "assistants", "adapters"):
        source = module_name(path)
        for line, target in imports(path):
            where = f"{path.relative_to(ROOT)}:{line} imports {target}"
            if (
                within(source, ("bot", "assistants"))
                and source not in COMPOSITION_ROOT
                and within(target, ("adapters",))
            ):
                edges.append(f"core/skill -> adapter: {where}")
            if within(source, FOUNDATION) and within(target, UPPER):
                edges.append(f"foundation -> upper layer: {where}")
            if within(source, ("adapters",)) and within(target, BEHIND_THE_BOT):
                edges.append(f"adapter -> behind the Bot protocol: {where}")
            if within(source, MESSENGERS) and within(target, BEHIND_THE_HOST):
                edges.append(f"messenger adapter -> behind its AdapterHost: {where}")
            if within(source, ("adapters",)):
                own = ".".join(source.split(".")[:2])
                if within(target, ("adapters",)) and not within(target, (own,)) and target != "adapters":
                    edges.append(f"adapter -> another adapter: {where}")
    return edges


def test_imports_point_one_way() -> None:
    assert wrong_way_edges() == []


def test_the_checker_sees_a_wrong_way_edge(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The rule itself can fail: a gateway module importing an adapter is reported."""
    fake_root = tmp_path
    (fake_root / "bot" / "gateway").mkdir(parents=True)
    (fake_root / "assistants").mkdir()
    (fake_root / "adapters" / "web").mkdir(parents=True)
    (fake_root / "bot" / "gateway" / "leak.py").write_text("from adapters.web import routes\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", fake_root)
    found = wrong_way_edges()
    assert any("bot/gateway/leak.py:1 imports adapters.web" in edge for edge in found)


def test_the_checker_sees_an_adapter_reaching_behind_the_bot(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """An adapter importing dispatch (instead of asking `Bot`) is reported."""
    (tmp_path / "bot").mkdir()
    (tmp_path / "assistants").mkdir()
    (tmp_path / "adapters" / "web").mkdir(parents=True)
    (tmp_path / "adapters" / "web" / "routes.py").write_text(
        "from bot.dispatch.identity import resolve_identity\nimport assistants.registry\n", encoding="utf-8"
    )
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    found = wrong_way_edges()
    assert "adapter -> behind the Bot protocol: adapters/web/routes.py:1 imports bot.dispatch.identity" in found
    assert "adapter -> behind the Bot protocol: adapters/web/routes.py:2 imports assistants.registry" in found


def test_the_checker_sees_a_messenger_adapter_taking_the_runtime(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A messenger adapter reaching for the Runtime or the store (instead of its AdapterHost) is reported; the
    OpenAI-compatible API, the gateway over HTTP, may."""
    (tmp_path / "bot").mkdir()
    (tmp_path / "assistants").mkdir()
    for package in ("slack", "openai_api"):
        (tmp_path / "adapters" / package).mkdir(parents=True)
        (tmp_path / "adapters" / package / "__init__.py").write_text(
            "from bot.runtime import Runtime\n", encoding="utf-8"
        )
    (tmp_path / "adapters" / "slack" / "app.py").write_text("import bot.store\n", encoding="utf-8")
    monkeypatch.setattr(__import__(__name__, fromlist=["ROOT"]), "ROOT", tmp_path)
    found = wrong_way_edges()
    assert sorted(found) == [
        "messenger adapter -> behind its AdapterHost: adapters/slack/__init__.py:1 imports bot.runtime",
        "messenger adapter -> behind its AdapterHost: adapters/slack/app.py:1 imports bot.store",
    ]
