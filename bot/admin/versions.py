"""Two versions of a department assistant compared line by line, as an admin reads them: the spec as YAML (the
same form `govbot assistants export` writes), so a changed prompt sentence shows as one changed line. Pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal

import yaml

from assistants.spec import AssistantSpec

LineKind = Literal["same", "added", "removed", "hunk"]


@dataclass(frozen=True, slots=True)
class DiffLine:
    kind: LineKind
    text: str


def as_yaml(spec: AssistantSpec) -> list[str]:
    """The spec's content without its version number (every version differs there)."""
    data = spec.model_dump(mode="json", exclude={"version"}, exclude_defaults=True)
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=100)
    return text.splitlines()


def spec_diff(old: AssistantSpec, new: AssistantSpec, context: int = 3) -> list[DiffLine]:
    """Unified-diff lines from `old` to `new` (empty when the content is the same)."""
    out: list[DiffLine] = []
    for raw in difflib.unified_diff(as_yaml(old), as_yaml(new), lineterm="", n=context):
        if raw.startswith(("---", "+++")):
            continue
        if raw.startswith("@@"):
            out.append(DiffLine("hunk", raw))
        elif raw.startswith("+"):
            out.append(DiffLine("added", raw[1:]))
        elif raw.startswith("-"):
            out.append(DiffLine("removed", raw[1:]))
        else:
            out.append(DiffLine("same", raw[1:]))
    return out
