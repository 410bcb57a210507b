"""Any OpenAI-compatible server through the official client: OpenAI, Azure-compatible endpoints,
and on-premises vLLM / Ollama / llama.cpp servers (the office's no-data-leaves option)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import openai
from openai import AsyncOpenAI, AsyncStream
from openai.types import CompletionUsage
from openai.types.chat import (
    ChatCompletion,
    ChatCompletionChunk,
    ChatCompletionMessageFunctionToolCall,
    ChatCompletionMessageParam,
    ChatCompletionToolParam,
)

from bot.gateway.errors import ProviderError
from bot.gateway.types import (
    ChatMessage,
    Finished,
    GatewayCall,
    StreamEvent,
    TextDelta,
    ToolCall,
    ToolCalls,
    ToolDefinition,
    Usage,
)
from bot.net.retry import retry_after_of

_RETRYABLE_STATUS = {408, 409, 429, 500, 502, 503, 504}


class OpenAICompatibleProvider:
    def __init__(self, provider_id: str, client: AsyncOpenAI, max_retries: int, *, tools: bool = False):
        self.id = provider_id
        self.max_retries = max_retries
        self.supports_tools = tools
        self._client = client

    @classmethod
    def build(
        cls,
        provider_id: str,
        *,
        base_url: str | None,
        api_key: str | None,
        timeout: float,
        max_retries: int,
        tools: bool = False,
    ) -> OpenAICompatibleProvider:
        # The client's own retries are off: the router retries with jitter and then fails over.
        client = AsyncOpenAI(base_url=base_url, api_key=api_key or "not-needed", timeout=timeout, max_retries=0)
        return cls(provider_id, client, max_retries, tools=tools)

    async def close(self) -> None:
        await self._client.close()

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        request = call.request
        messages = [_message(m) for m in request.messages]
        # Tools only where the server supports them; a tool-less server would refuse the request outright.
        extra: dict[str, Any] = {}
        if request.tools and self.supports_tools:
            extra = {"tools": [_tool(d) for d in request.tools], "tool_choice": "auto"}
        try:
            if call.kind == "embeddings":
                return await self._embed(model, call)
            if call.stream:
                chunks = await self._client.chat.completions.create(
                    model=model,
                    messages=messages,
                    temperature=request.temperature,
                    max_tokens=request.max_output_tokens,
                    stream=True,
                    stream_options={"include_usage": True},
                    **extra,
                )
                return self._from_chunks(model, chunks)
            response = await self._client.chat.completions.create(
                model=model,
                messages=messages,
                temperature=request.temperature,
                max_tokens=request.max_output_tokens,
                **extra,
            )
        except openai.APIStatusError as error:
            raise ProviderError(
                self.id,
                model,
                f"HTTP {error.status_code}",
                retryable=error.status_code in _RETRYABLE_STATUS,
                status=error.status_code,
                retry_after=retry_after_of(error),
            ) from error
        except (openai.APITimeoutError, openai.APIConnectionError) as error:
            raise ProviderError(self.id, model, type(error).__name__, retryable=True) from error
        except (ValueError, openai.APIResponseValidationError) as error:
            # A 200 whose body is not the JSON it should be (cut off by a proxy, an HTML error page):
            # a failed attempt like any other, so the router retries, fails over, and says so clearly.
            raise ProviderError(
                self.id, model, f"malformed response: {type(error).__name__}", retryable=True
            ) from error
        if not hasattr(response, "choices"):  # the client hands back raw text when the body was not JSON
            raise ProviderError(self.id, model, "malformed response: not JSON", retryable=True)
        return self._from_response(model, response)

    async def _embed(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        """`/v1/embeddings` with each (already masked) user message as one input; the vectors go on the call."""
        inputs = [m.content for m in call.request.messages]
        response = await self._client.embeddings.create(model=model, input=inputs, encoding_format="float")
        if not hasattr(response, "data"):
            raise ProviderError(self.id, model, "malformed response: not JSON", retryable=True)
        ordered = sorted(response.data, key=lambda item: item.index)
        call.vectors = [list(item.embedding) for item in ordered]
        usage = Usage(prompt_tokens=response.usage.prompt_tokens or 0, completion_tokens=0) if response.usage else None
        return _finished(Finished(usage, self.id, response.model or model, "stop"))

    async def _from_response(self, model: str, response: ChatCompletion) -> AsyncIterator[StreamEvent]:
        choice = response.choices[0] if response.choices else None
        text = (choice.message.content or "") if choice else ""
        if text:
            yield TextDelta(text)
        calls = tuple(
            ToolCall(c.id, c.function.name, c.function.arguments or "{}")
            for c in ((choice.message.tool_calls or []) if choice else [])
            if isinstance(c, ChatCompletionMessageFunctionToolCall)  # custom (free-text) tools are never offered
        )
        if calls:
            yield ToolCalls(calls)
        yield Finished(
            _usage(response.usage), self.id, response.model or model, choice.finish_reason if choice else None
        )

    async def _from_chunks(self, model: str, chunks: AsyncStream[ChatCompletionChunk]) -> AsyncIterator[StreamEvent]:
        usage: Usage | None = None
        finish_reason: str | None = None
        served_model = model
        # Streamed tool calls arrive in pieces keyed by index: the first names the call (id, function name),
        # the rest append to its arguments (the OpenAI streaming format); assembled, they are emitted once.
        pending: dict[int, list[str]] = {}
        try:
            async for chunk in chunks:
                served_model = chunk.model or served_model
                if chunk.usage is not None:
                    usage = _usage(chunk.usage)
                for choice in chunk.choices:
                    if choice.delta and choice.delta.content:
                        yield TextDelta(choice.delta.content)
                    for piece in (choice.delta.tool_calls or []) if choice.delta else []:
                        entry = pending.setdefault(piece.index, ["", "", ""])
                        entry[0] = piece.id or entry[0]
                        if piece.function is not None:
                            entry[1] = piece.function.name or entry[1]
                            entry[2] += piece.function.arguments or ""
                    if choice.finish_reason:
                        finish_reason = choice.finish_reason
        except (openai.APIError, openai.APIConnectionError) as error:
            raise ProviderError(self.id, model, f"stream broke: {type(error).__name__}", retryable=False) from error
        except ValueError as error:  # an event that is not JSON
            reason = f"malformed response: {type(error).__name__}"
            raise ProviderError(self.id, model, reason, retryable=False) from error
        finally:
            await chunks.close()
        if pending:
            calls = [ToolCall(call_id, name, arguments or "{}") for call_id, name, arguments in pending.values()]
            yield ToolCalls(tuple(c for c in calls if c.name))
        yield Finished(usage, self.id, served_model, finish_reason)


async def _finished(event: Finished) -> AsyncIterator[StreamEvent]:
    yield event


def _message(message: ChatMessage) -> ChatCompletionMessageParam:
    """One message in the client's typed shape (its parameter types are one TypedDict per role)."""
    if message.role == "system":
        return {"role": "system", "content": message.content}
    if message.role == "assistant":
        if message.tool_calls:
            return {
                "role": "assistant",
                "content": message.content or None,
                "tool_calls": [
                    {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                    for c in message.tool_calls
                ],
            }
        return {"role": "assistant", "content": message.content}
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    return {"role": "user", "content": message.content}


def _tool(definition: ToolDefinition) -> ChatCompletionToolParam:
    return {
        "type": "function",
        "function": {
            "name": definition.name,
            "description": definition.description,
            "parameters": definition.parameters,
        },
    }


def _usage(raw: CompletionUsage | None) -> Usage | None:
    if raw is None:
        return None
    return Usage(prompt_tokens=raw.prompt_tokens or 0, completion_tokens=raw.completion_tokens or 0)
