"""Any OpenAI-compatible server: OpenAI, Azure-compatible endpoints, and on-premises vLLM / Ollama / llama.cpp
servers (the office's no-data-leaves option). Chat goes over plain JSON (tools included, in the OpenAI format);
embeddings through the official client."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator
from typing import Any

import aiohttp
import openai
from openai import AsyncOpenAI
from openai.types import CompletionUsage

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
    """Chat calls go over one pooled aiohttp session as plain JSON (the openai client's typed request and
    response models cost about as much CPU as all of govbot's policies together, measured with py-spy);
    embeddings keep the openai client, whose types help there and which is off the hot path."""

    def __init__(
        self,
        provider_id: str,
        client: AsyncOpenAI,
        max_retries: int,
        *,
        api_key: str | None = None,
        timeout: float = 60,
        tools: bool = False,
    ):
        self.id = provider_id
        self.max_retries = max_retries
        self.supports_tools = tools
        self._client = client
        self._url = str(client.base_url).rstrip("/") + "/chat/completions"
        self._headers = {"Authorization": f"Bearer {api_key or 'not-needed'}", "Content-Type": "application/json"}
        self._timeout = aiohttp.ClientTimeout(total=timeout)
        self._session: aiohttp.ClientSession | None = None

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
        return cls(provider_id, client, max_retries, api_key=api_key, timeout=timeout, tools=tools)

    async def close(self) -> None:
        await self._client.close()
        if self._session is not None:
            await self._session.close()

    def _http(self) -> aiohttp.ClientSession:
        """Made on first use, inside the running loop; kept for the connection pool's keep-alive."""
        if self._session is None or self._session.closed:
            self._session = aiohttp.ClientSession(
                connector=aiohttp.TCPConnector(limit=256, keepalive_timeout=30), timeout=self._timeout
            )
        return self._session

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        if call.kind == "embeddings":
            try:
                return await self._embed(model, call)
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
                raise ProviderError(
                    self.id, model, f"malformed response: {type(error).__name__}", retryable=True
                ) from error
        request = call.request
        body: dict[str, Any] = {
            "model": model,
            "messages": [_message(m) for m in request.messages],
            "temperature": request.temperature,
            "max_tokens": request.max_output_tokens,
        }
        if request.tools and self.supports_tools:  # a tool-less server would refuse the request outright
            body["tools"] = [_tool(d) for d in request.tools]
            body["tool_choice"] = "auto"
        if call.stream:
            body["stream"] = True
            body["stream_options"] = {"include_usage": True}
        payload = json.dumps(body, ensure_ascii=False).encode()
        try:
            response = await self._http().post(self._url, data=payload, headers=self._headers)
        except TimeoutError as error:
            raise ProviderError(self.id, model, "APITimeoutError", retryable=True) from error
        except aiohttp.ClientError as error:
            raise ProviderError(self.id, model, "APIConnectionError", retryable=True) from error
        if response.status >= 400:
            response.release()
            raise ProviderError(
                self.id,
                model,
                f"HTTP {response.status}",
                retryable=response.status in _RETRYABLE_STATUS,
                status=response.status,
                retry_after=_retry_after(response.headers.get("Retry-After")),
            )
        if call.stream:
            return self._from_events(model, response)
        try:
            raw = await response.read()
        except TimeoutError as error:
            raise ProviderError(self.id, model, "APITimeoutError", retryable=True) from error
        except aiohttp.ClientError as error:
            raise ProviderError(self.id, model, "APIConnectionError", retryable=True) from error
        finally:
            response.release()
        try:
            parsed = json.loads(raw)
        except ValueError as error:
            # A 200 whose body is not the JSON it should be (cut off by a proxy, an HTML error page):
            # a failed attempt like any other, so the router retries, fails over, and says so clearly.
            raise ProviderError(
                self.id, model, f"malformed response: {type(error).__name__}", retryable=True
            ) from error
        if not isinstance(parsed, dict) or not isinstance(parsed.get("choices"), list):
            raise ProviderError(self.id, model, "malformed response: not a chat completion", retryable=True)
        return self._from_body(model, parsed)

    async def _from_body(self, model: str, body: dict[str, Any]) -> AsyncIterator[StreamEvent]:
        choices = body["choices"]
        choice = choices[0] if choices and isinstance(choices[0], dict) else {}
        message = choice.get("message") or {}
        text = message.get("content") or "" if isinstance(message, dict) else ""
        if text:
            yield TextDelta(str(text))
        raw_calls = message.get("tool_calls") if isinstance(message, dict) else None
        calls = tuple(
            ToolCall(str(c.get("id") or ""), str(function.get("name") or ""), function.get("arguments") or "{}")
            for c in raw_calls or ()
            if isinstance(c, dict)
            and c.get("type", "function") == "function"  # custom (free-text) tools are never offered
            and isinstance(function := c.get("function"), dict)
        )
        if calls:
            yield ToolCalls(calls)
        yield Finished(_usage_of(body.get("usage")), self.id, body.get("model") or model, choice.get("finish_reason"))

    async def _from_events(self, model: str, response: aiohttp.ClientResponse) -> AsyncIterator[StreamEvent]:
        """Server-sent events: only each chunk's delta text, finish reason and usage are read."""
        usage: Usage | None = None
        finish_reason: str | None = None
        served_model = model
        # Streamed tool calls arrive in pieces keyed by index: the first names the call (id, function name),
        # the rest append to its arguments (the OpenAI streaming format); assembled, they are emitted once.
        pending: dict[int, list[str]] = {}
        try:
            async for line in response.content:
                if not line.startswith(b"data:"):
                    continue
                data = line[5:].strip()
                if data == b"[DONE]":
                    break
                chunk = json.loads(data)
                if not isinstance(chunk, dict):
                    raise ValueError("not a chunk")
                if "error" in chunk and "choices" not in chunk:
                    raise ProviderError(self.id, model, "stream broke: APIError", retryable=False)
                served_model = chunk.get("model") or served_model
                if chunk.get("usage"):
                    usage = _usage_of(chunk["usage"])
                for choice in chunk.get("choices") or ():
                    delta = choice.get("delta")
                    if delta and delta.get("content"):
                        yield TextDelta(delta["content"])
                    for piece in (delta.get("tool_calls") or ()) if delta else ():
                        entry = pending.setdefault(int(piece.get("index") or 0), ["", "", ""])
                        entry[0] = piece.get("id") or entry[0]
                        if function := piece.get("function"):
                            entry[1] = function.get("name") or entry[1]
                            entry[2] += function.get("arguments") or ""
                    if choice.get("finish_reason"):
                        finish_reason = choice["finish_reason"]
        except (aiohttp.ClientError, TimeoutError) as error:
            raise ProviderError(self.id, model, f"stream broke: {type(error).__name__}", retryable=False) from error
        except (ValueError, AttributeError, TypeError) as error:  # an event that is not the JSON it should be
            reason = f"malformed response: {type(error).__name__}"
            raise ProviderError(self.id, model, reason, retryable=False) from error
        finally:
            response.release()
        if pending:
            calls = [ToolCall(call_id, name, arguments or "{}") for call_id, name, arguments in pending.values()]
            yield ToolCalls(tuple(c for c in calls if c.name))
        yield Finished(usage, self.id, served_model, finish_reason)

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


def _message(message: ChatMessage) -> dict[str, Any]:
    """One message in the OpenAI chat format: an assistant's tool calls, and a tool's answer to one of them."""
    if message.role == "assistant" and message.tool_calls:
        return {
            "role": "assistant",
            "content": message.content or None,
            "tool_calls": [
                {"id": c.id, "type": "function", "function": {"name": c.name, "arguments": c.arguments}}
                for c in message.tool_calls
            ],
        }
    if message.role == "tool":
        return {"role": "tool", "tool_call_id": message.tool_call_id, "content": message.content}
    return {"role": message.role, "content": message.content}


def _tool(definition: ToolDefinition) -> dict[str, Any]:
    return {
        "type": "function",
        "function": {
            "name": definition.name,
            "description": definition.description,
            "parameters": definition.parameters,
        },
    }


def _retry_after(value: str | None) -> float | None:
    try:
        seconds = float(value) if value is not None else None
    except ValueError:
        return None
    return seconds if seconds is not None and seconds >= 0 else None


def _usage_of(raw: object) -> Usage | None:
    if not isinstance(raw, dict):
        return None
    return Usage(
        prompt_tokens=int(raw.get("prompt_tokens") or 0), completion_tokens=int(raw.get("completion_tokens") or 0)
    )


async def _finished(event: Finished) -> AsyncIterator[StreamEvent]:
    yield event


def _usage(raw: CompletionUsage | None) -> Usage | None:
    if raw is None:
        return None
    return Usage(prompt_tokens=raw.prompt_tokens or 0, completion_tokens=raw.completion_tokens or 0)
