"""An assistant is data: a prompt plus examples, an output template and a style guide.

Official assistants come from app.yaml or assistants/builtin/*.yaml; department assistants are
created at run time. Both are this one model, so the rest of govbot never cares where one came from.
"""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field

Visibility = Literal["department", "org"] | list[str]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Example(_Strict):
    """A few-shot pair shown to the model before the user's question."""

    question: str = Field(min_length=1)
    answer: str = Field(min_length=1)


class TemplateSection(_Strict):
    """One named section the answer must contain, in order."""

    heading: str = Field(min_length=1)
    guidance: str = ""


class AssistantSpec(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$", max_length=64)
    name: str = Field(min_length=1, max_length=40)
    aliases: list[str] = Field(default_factory=list, description="Other names users may type")
    department: str | None = Field(None, description="Owning department id; None for office-wide official ones")
    description: str = ""
    visibility: Visibility = "org"
    system_prompt: str = Field(min_length=1)
    model: str = "default"
    temperature: float = Field(0.3, ge=0.0, le=2.0)
    max_output_tokens: int = Field(1200, ge=1, le=32_000)
    starters: list[str] = Field(default_factory=list)
    examples: list[Example] = Field(default_factory=list)
    template: list[TemplateSection] = Field(default_factory=list)
    style_guide: str = ""
    skills: list[str] = Field(default_factory=list)
    tools: list[str] = Field(
        default_factory=list, description="Tools the model may call (assistants/tools/registry.py)"
    )
    knowledge: list[str] = Field(default_factory=list)
    owner: str | None = None
    version: int = Field(1, ge=1)
    # Set by the store from the assistant's row when an admin disabled it; never part of a saved version or an export.
    disabled: bool = Field(False, exclude=True)

    def answers_to(self, name: str) -> bool:
        """Whether `name` (as a user types it) refers to this assistant; spacing and case do not matter."""
        wanted = fold_name(name)
        return wanted in {fold_name(self.name), fold_name(self.id), *(fold_name(a) for a in self.aliases)}

    def visible_to(self, department_id: str | None) -> bool:
        if self.visibility == "org" or self.department is None:
            return True
        if self.visibility == "department":
            return department_id == self.department
        return department_id == self.department or department_id in self.visibility


def fold_name(name: str) -> str:
    """How names are compared: spacing and case do not matter ("AI 대변인" = "ai대변인")."""
    return "".join(name.split()).casefold()
