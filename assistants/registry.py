"""One registry over every source of assistants, answering what a department may see and use.

Sources are read-only official specs (app.yaml, assistants/builtin/*.yaml) and the published versions
of department assistants stored in the database; callers never know which one answered.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from pathlib import Path
from typing import Protocol

import yaml
from pydantic import ValidationError

from assistants.spec import AssistantSpec

BUILTIN_DIR = Path(__file__).parent / "builtin"


class AssistantSource(Protocol):
    async def all(self) -> Sequence[AssistantSpec]: ...


class StaticSource:
    """Official assistants, fixed for the life of the process (reviewed like code)."""

    official = True

    def __init__(self, specs: Iterable[AssistantSpec]):
        self._specs = tuple(specs)

    async def all(self) -> Sequence[AssistantSpec]:
        return self._specs


class PublishedSpecs(Protocol):
    async def published(self) -> Sequence[AssistantSpec]: ...


class StoredSource:
    """Department assistants as officials use them: the published version of each live one."""

    official = False

    def __init__(self, repository: PublishedSpecs):
        self._repository = repository

    async def all(self) -> Sequence[AssistantSpec]:
        return await self._repository.published()


def load_builtin(directory: Path = BUILTIN_DIR) -> list[AssistantSpec]:
    """The built-in assistants shipped as YAML files (one spec per file)."""
    specs = []
    for path in sorted(directory.glob("*.yaml")):
        try:
            specs.append(AssistantSpec.model_validate(yaml.safe_load(path.read_text(encoding="utf-8"))))
        except (yaml.YAMLError, ValidationError) as error:
            raise ValueError(f"built-in assistant {path.name} is invalid: {error}") from error
    return specs


class OfficialSwitches(Protocol):
    """The official assistants an office admin switched off (bot/store/assistants_repository.py)."""

    async def official_off(self) -> Mapping[str, str]: ...


class AssistantRegistry:
    def __init__(self, sources: Sequence[AssistantSource], switches: OfficialSwitches | None = None):
        self._sources = tuple(sources)
        self._switches = switches

    async def _all(self) -> list[AssistantSpec]:
        off = await self._switches.official_off() if self._switches is not None else {}
        seen: dict[str, AssistantSpec] = {}
        for source in self._sources:
            official = getattr(source, "official", False)
            for spec in await source.all():
                if official and spec.id in off:  # listed and named as before; chat refuses it with a message
                    spec = spec.model_copy(update={"disabled": True})
                seen.setdefault(spec.id, spec)  # earlier sources win: app.yaml overrides a built-in
        return list(seen.values())

    async def official(self) -> list[AssistantSpec]:
        """Every official assistant (app.yaml over built-in), with its switch: what the console lists."""
        off = await self._switches.official_off() if self._switches is not None else {}
        seen: dict[str, AssistantSpec] = {}
        for source in self._sources:
            if getattr(source, "official", False):
                for spec in await source.all():
                    seen.setdefault(spec.id, spec.model_copy(update={"disabled": spec.id in off}))
        return list(seen.values())

    async def visible(self, department_id: str | None) -> list[AssistantSpec]:
        return [s for s in await self._all() if s.visible_to(department_id)]

    async def get(self, assistant_id: str, department_id: str | None) -> AssistantSpec | None:
        return next((s for s in await self.visible(department_id) if s.id == assistant_id), None)

    async def find(self, name: str, department_id: str | None) -> AssistantSpec | None:
        """The assistant a user means by `name`, among those their department may use; the
        department's own assistant first when another department shared one of the same name."""
        matches = [s for s in await self.visible(department_id) if s.answers_to(name)]
        return next((s for s in matches if s.department == department_id), matches[0] if matches else None)

    async def official_named(self, name: str) -> AssistantSpec | None:
        """The official assistant answering to `name`, which no department assistant may shadow."""
        for source in self._sources:
            if getattr(source, "official", False):
                for spec in await source.all():
                    if spec.answers_to(name):
                        return spec
        return None
