"""The tool loop without HTTP: bounded model calls, unknown tools and bad arguments answered to the model, the
tool's text kept exactly as computed."""

from __future__ import annotations

import json
import random
from collections.abc import AsyncIterator
from datetime import date

import yaml
from pydantic import BaseModel

from assistants.registry import load_builtin
from assistants.tools.registry import tool_map, tool_names
from bot.conversation import Attachment, FilePart
from bot.gateway.pipeline import Gateway
from bot.gateway.providers.router import ModelRouter, Target
from bot.gateway.types import (
    ChatMessage,
    Finished,
    GatewayCall,
    GatewayRequest,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCalls,
    Usage,
)
from bot.tools import Tool, ToolContext, ToolInputError, ToolResult
from bot.tools.context import tool_context
from bot.tools.loop import MAX_MODEL_CALLS, answer_with_tools
from tests.conftest import parse_config, shipped_config_data


class Sum(BaseModel):
    a: int
    b: int


def add(args: Sum, context: ToolContext) -> ToolResult:
    if args.a < 0:
        raise ToolInputError("a는 0 이상이어야 합니다", ("a",))
    return ToolResult(f"합: {args.a + args.b:,}")


ADD = Tool("add", "두 수를 더한다", "adds two numbers", Sum, add)


class Caller:
    """A provider that calls `tool` on every call it is offered tools, and answers text otherwise."""

    id = "p"
    max_retries = 0

    def __init__(self, arguments: list[str], tool: str = "add"):
        self.arguments = arguments
        self.tool = tool
        self.seen: list[GatewayCall] = []

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        self.seen.append(call)
        return self._events(call)

    async def _events(self, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        if call.request.tools and self.arguments:
            yield ToolCalls((ToolCall(f"c{len(self.seen)}", self.tool, self.arguments.pop(0)),))
            yield Finished(Usage(5, 1), self.id, "m", "tool_calls")
        else:
            yield TextDelta("끝.")
            yield Finished(Usage(5, 2), self.id, "m", "stop")


def gateway(provider: Caller) -> Gateway:
    return Gateway([], ModelRouter({"default": [Target(provider, "m")]}, rng=random.Random(1)))


def request() -> GatewayRequest:
    return GatewayRequest("traffic", "kim.minsu", [ChatMessage("user", "1234 더하기 1")])


def context(tool: Tool) -> ToolContext:
    return ToolContext(None, date(2026, 11, 30))


async def test_a_tool_result_is_shown_as_computed_and_the_model_closes():
    """1234 + 1 = 1,235: one call with the tool, one after its result; usage is the sum (5+5, 1+2)."""
    provider = Caller([json.dumps({"a": 1234, "b": 1})])
    run = await answer_with_tools(gateway(provider), request(), {"add": ADD}, context)
    assert run.text == "합: 1,235\n\n끝."
    assert run.calls == 2 and run.tools_used == ["add"]
    assert (run.usage.prompt_tokens, run.usage.completion_tokens) == (10, 3)
    tool_message = provider.seen[1].request.messages[-1]
    assert (tool_message.role, tool_message.content, tool_message.tool_call_id) == ("tool", "합: 1,235", "c1")


async def test_a_model_that_keeps_calling_is_stopped_with_a_last_call_without_tools():
    provider = Caller([json.dumps({"a": 1, "b": 1})] * 10)
    run = await answer_with_tools(gateway(provider), request(), {"add": ADD}, context)
    assert len(provider.seen) == MAX_MODEL_CALLS
    assert provider.seen[-1].request.tools == () and all(c.request.tools for c in provider.seen[:-1])
    assert run.text.endswith("끝.")


async def test_bad_arguments_go_back_to_the_model_and_are_not_shown():
    provider = Caller([json.dumps({"a": -1, "b": 1}), "not json"])
    run = await answer_with_tools(gateway(provider), request(), {"add": ADD}, context)
    replies = [m.content for c in provider.seen[1:] for m in c.request.messages if m.role == "tool"]
    assert replies[0] == "⚠️ a는 0 이상이어야 합니다"
    assert "JSON" in replies[-1]
    assert run.text == "끝." and run.tools_used == ["add", "add"]


class Lines(BaseModel):
    pass


async def count_lines(args: Lines, context: ToolContext) -> ToolResult:
    """An async tool over the turn's attachments (as the sheet tools read theirs in the document worker)."""
    counted = sum(a.data.count(b"\n") for a in context.attachments)
    return ToolResult(f"줄 수: {counted}", (FilePart("결과.txt", "text/plain", b"ok"),))


COUNT = Tool("count", "첨부 파일 줄 수", "counts lines of attached files", Lines, count_lines, reads_files=(".txt",))


async def test_an_async_tool_gets_the_attachments_it_reads_and_its_files_reach_the_reply():
    """Two attachments, one the tool reads (a.txt: 3 lines) and one it does not (b.pdf): 줄 수 3."""
    attachments = (Attachment("a.txt", "text/plain", b"1\n2\n3\n"), Attachment("b.pdf", "application/pdf", b"x\n"))
    config = parse_config(yaml.safe_dump(shipped_config_data(), allow_unicode=True))

    def context_for(tool: Tool) -> ToolContext:
        return tool_context(tool, config, "ko", date(2026, 11, 30), attachments=attachments)

    provider = Caller([json.dumps({})], tool="count")
    run = await answer_with_tools(gateway(provider), request(), {"count": COUNT}, context_for)
    assert run.text == "줄 수: 3\n\n끝."
    assert [f.name for f in run.files] == ["결과.txt"]
    assert COUNT.reads(attachments[0]) and not COUNT.reads(attachments[1]) and not ADD.reads(attachments[0])


async def test_the_sheet_tools_without_a_workbook_tell_the_model_to_ask_for_one():
    tools = tool_map()
    for name, wanted in (("meal_costs", "식비 내역 XLSX"), ("committee_check", "위원 명단 XLSX")):
        tool = tools[name]
        assert tool.command is None and tool.way_without_model  # the skill's command, registered once by the skill
        plain = ToolContext(None, date(2026, 11, 30), attachments=(Attachment("메모.txt", "text/plain", b"x"),))
        result = await tool.call(tool.parse({}, date(2026, 11, 30)), plain)
        assert result.text.startswith("⚠️") and wanted in result.text and "첨부" in result.text
        assert result.files == ()


def test_builtin_assistants_name_only_registered_tools():
    names = set(tool_names())
    listed = {tool for spec in load_builtin() for tool in spec.tools}
    assert {"travel_expenses", "meal_costs", "committee_check"} <= listed <= names
