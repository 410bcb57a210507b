"""What a tool is: a stable name, what it does (Korean for the model, English for the docs), an argument model
(pydantic: it gives the JSON schema offered to the model and checks what comes back), and a pure function from
valid arguments to a result (Markdown for the reply, optional files). A tool over the message's attached files
(식비 집계, 위원회 점검) is async instead: it reads them in the document worker given in its context.

The same tool answers three ways: the model calls it (bot/tools/loop.py), an official types its command with
`key=value` facts, or the guided dialogue asks for the facts still missing (bot/tools/dialogue.py). Registering one
is one `Tool(...)` in `assistants/tools/registry.py` `TOOLS`.
"""

from __future__ import annotations

import inspect
import json
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from pydantic import BaseModel, ValidationError

from bot.conversation import Attachment, FilePart
from bot.documents import DocumentWorker
from bot.gateway.types import ToolDefinition


@dataclass(frozen=True, slots=True)
class ToolContext:
    """What a tool may know besides its arguments: its app.yaml section, today (office time zone), the locale,
    and for a tool that reads files, the turn's attachments and the worker that reads them off the event loop."""

    settings: BaseModel | None
    today: date
    locale: str = "ko"
    attachments: tuple[Attachment, ...] = ()
    documents: DocumentWorker | None = None


@dataclass(frozen=True, slots=True)
class ToolResult:
    """Markdown shown as it is (the exact figures) and files offered for download (XLSX statements, …)."""

    text: str
    files: tuple[FilePart, ...] = ()


class ToolInputError(ValueError):
    """The arguments cannot be used: `message` says what to give instead (Korean, shown to the official/model)."""

    def __init__(self, message: str, fields: tuple[str, ...] = ()):
        super().__init__(message)
        self.message = message
        self.fields = fields  # the fields at fault, so the dialogue can ask for them again


@dataclass(frozen=True)
class Tool:
    """One tool. `run(arguments, context)` is pure: no I/O, no model, the same answer for the same facts; a tool
    over attached files returns an awaitable instead (it reads them in `context.documents`), awaited by `call`.

    `command`/`aliases`: the chat command (`/여비`); `labels`: the Korean keys it accepts (`목적지=세종`). `ask`: the fields the dialogue asks for when missing, in
    order; each question is the catalog message `tool_<name>_ask_<field>`. `section`/`settings_model`: the tool's
    app.yaml section (rates, limits), handed to `run` as `context.settings`. Catalog messages (ko and en):
    `tool_<name>_help` (/help line), `_usage`, `_usage_help`, `_intro` (first question), `_ask_<field>` per field.
    `reads_files`: the file endings (".xlsx") of attachments the tool reads itself: when the model is offered the
    tool, such files are handed to it and kept out of the prompt (their rows may hold names the masker cannot
    see). `offline_command`: a command registered elsewhere (a skill's `/식비`) that runs the same code, named
    when no model can call the tool; `command` registers one here and is named the same way.
    """

    name: str
    description: str
    description_en: str
    arguments: type[BaseModel]
    run: Callable[[Any, ToolContext], ToolResult | Awaitable[ToolResult]]
    command: str | None = None
    aliases: tuple[str, ...] = ()
    ask: tuple[str, ...] = ()
    section: str | None = None
    settings_model: type[BaseModel] | None = None
    labels: Mapping[str, str] = field(default_factory=dict)  # Korean keys for `/command 키=값` -> field names
    reads_files: tuple[str, ...] = ()
    offline_command: str | None = None

    async def call(self, arguments: BaseModel, context: ToolContext) -> ToolResult:
        """`run` on valid arguments, awaited when the tool is async (reading attachments)."""
        result = self.run(arguments, context)
        return await result if inspect.isawaitable(result) else result

    def reads(self, attachment: Attachment) -> bool:
        """Whether this tool reads `attachment` itself (so the prompt need not carry it)."""
        return bool(self.reads_files) and attachment.name.lower().endswith(self.reads_files)

    @property
    def way_without_model(self) -> str | None:
        """The command an official types for this tool when no model can call it."""
        return self.command or self.offline_command

    def definition(self) -> ToolDefinition:
        """The OpenAI function-tool definition (the JSON schema of `arguments`)."""
        schema = self.arguments.model_json_schema()
        schema.pop("title", None)
        return ToolDefinition(self.name, self.description, schema)

    def parse(self, values: Mapping[str, Any], today: date) -> BaseModel:
        """Arguments from a model's JSON object or an official's answers; ToolInputError says what is wrong."""
        try:
            return self.arguments.model_validate(dict(values), context={"today": today})
        except ValidationError as error:
            raise ToolInputError(_explain(error, self.arguments), _fields(error)) from None

    def parse_json(self, text: str, today: date) -> BaseModel:
        try:
            values = json.loads(text or "{}")
        except json.JSONDecodeError:
            raise ToolInputError("인자가 JSON 객체가 아닙니다.") from None
        if not isinstance(values, dict):
            raise ToolInputError("인자가 JSON 객체가 아닙니다.")
        return self.parse(values, today)

    def check_field(self, name: str, value: Any, values: Mapping[str, Any], today: date) -> Any:
        """One answer checked on its own (the dialogue keeps only answers that read): the field's parsed value."""
        info = self.arguments.model_fields[name]
        from pydantic import TypeAdapter

        adapter: TypeAdapter[Any] = TypeAdapter(_annotated(info))
        try:
            return adapter.validate_python(value, context={"today": today})
        except ValidationError as error:
            raise ToolInputError(_explain(error, self.arguments), (name,)) from None

    def missing(self, values: Mapping[str, Any]) -> list[str]:
        """Fields still to ask for: required ones not given, then `ask`-listed optional ones not given."""
        required = [n for n, f in self.arguments.model_fields.items() if f.is_required() and n not in values]
        asked = [n for n in self.ask if n not in values and n not in required]
        order = {n: i for i, n in enumerate(self.ask)}
        return sorted(required, key=lambda n: order.get(n, len(order))) + asked


def _annotated(info: Any) -> Any:
    from typing import Annotated

    return Annotated[(info.annotation, *info.metadata)] if info.metadata else info.annotation


def _fields(error: ValidationError) -> tuple[str, ...]:
    return tuple(str(e["loc"][0]) for e in error.errors() if e.get("loc"))


def _explain(error: ValidationError, model: type[BaseModel]) -> str:
    """Each problem in one line, named by the field's description rather than its code name."""
    lines = []
    for problem in error.errors():
        loc = problem.get("loc") or ()
        name = str(loc[0]) if loc else ""
        info = model.model_fields.get(name)
        label = (info.description or name).split(" (")[0] if info else name
        message = str(problem.get("msg", ""))
        message = message.removeprefix("Value error, ")
        if problem.get("type") == "missing":
            message = "값이 필요합니다"
        lines.append(f"{label}: {message}" if label else message)
    return "\n".join(lines)
