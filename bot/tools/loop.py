"""The tool loop: offer the assistant's tools to the model, run what it calls, send the results back, and stop
after a bounded number of model calls. Every call goes through the gateway, so each is masked, word-checked,
quota-reserved, billed and audited on its own; a tool's arguments and results pass the same policies (the gateway
filters the arguments the model sends, and a result goes back as a `tool` message through the input policies).

The tool's Markdown is part of the reply exactly as the code computed it (streamed as soon as it is ready); the
model only adds its sentences around it, so a figure an official signs never comes from the model.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field, replace

from bot.conversation import FilePart, ReplySink
from bot.gateway.pipeline import Gateway
from bot.gateway.types import ChatMessage, Completion, GatewayRequest, Usage
from bot.tools.base import Tool, ToolContext, ToolInputError, ToolResult

log = logging.getLogger(__name__)

MAX_MODEL_CALLS = 4  # the first call, up to two rounds of tool results, and one last call without tools


@dataclass
class ToolRun:
    """What the loop produced: the reply text as shown (model text and tool results in order), the files,
    the last model call (its call id and provider for feedback and the AI notice), and what every call used."""

    text: str
    last: Completion
    files: list[FilePart] = field(default_factory=list)
    tools_used: list[str] = field(default_factory=list)
    calls: int = 0
    usage: Usage = field(default_factory=lambda: Usage(0, 0))


async def run_tool(tool: Tool, arguments: str, context: ToolContext) -> ToolResult:
    """One call of `tool` with the model's JSON arguments; bad arguments become a result that says what is wrong
    (the model may correct them or ask the official), never an exception out of the loop."""
    try:
        return await tool.call(tool.parse_json(arguments, context.today), context)
    except ToolInputError as error:
        return ToolResult(f"⚠️ {error.message}", ())


async def answer_with_tools(
    gateway: Gateway,
    request: GatewayRequest,
    tools: Mapping[str, Tool],
    context_for: Callable[[Tool], ToolContext],
    sink: ReplySink | None = None,
    *,
    max_calls: int = MAX_MODEL_CALLS,
) -> ToolRun:
    """Answer `request` letting the model call `tools`. The request's messages are the conversation so far;
    each model call gets a fresh request (the gateway's stages replace a request's messages with masked ones)."""
    messages = list(request.messages)
    definitions = tuple(tool.definition() for tool in tools.values())
    shown: list[str] = []
    run = None
    files: list[FilePart] = []
    used: list[str] = []
    prompt = completion_tokens = 0
    for number in range(1, max_calls + 1):
        last_call = number == max_calls
        step = replace(request, messages=list(messages), tools=() if last_call else definitions)
        completion = await complete_into(gateway, step, sink)
        prompt += completion.usage.prompt_tokens
        completion_tokens += completion.usage.completion_tokens
        if completion.text:
            shown.append(completion.text)
        run = ToolRun("", completion, files, used, number)
        if not completion.tool_calls or completion.interrupted:
            break
        messages.append(ChatMessage("assistant", completion.text, tool_calls=completion.tool_calls))
        for call in completion.tool_calls:
            tool = tools.get(call.name)
            if tool is None:
                result = ToolResult(f"⚠️ '{call.name}' 도구는 이 도우미가 쓸 수 없습니다.")
            else:
                result = await run_tool(tool, call.arguments, context_for(tool))
                used.append(tool.name)
                files.extend(result.files)
            messages.append(ChatMessage("tool", result.text, tool_call_id=call.id))
            if tool is not None and not result.text.startswith("⚠️"):
                shown.append(result.text)
                if sink is not None:
                    await sink.delta(("\n\n" if len(shown) > 1 else "") + result.text + "\n\n")
    assert run is not None
    run.text = "\n\n".join(part.strip() for part in shown if part.strip())
    run.usage = Usage(prompt, completion_tokens)
    return run


async def complete_into(gateway: Gateway, request: GatewayRequest, sink: ReplySink | None) -> Completion:
    """One model call, its text streamed into `sink` as it comes (or whole without a sink); the dispatcher's plain
    answers and every step of the tool loop use it."""
    if sink is None:
        return await gateway.complete(request)
    async with gateway.stream(request) as reply:
        async for delta in reply:
            await sink.delta(delta)
    assert reply.completion is not None
    return reply.completion
