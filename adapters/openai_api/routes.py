"""Routes of the OpenAI-compatible endpoint. Errors use OpenAI's error body and status codes
(400, 401, 403, 429 with Retry-After), so OpenAI clients report them as they would OpenAI's own."""

from __future__ import annotations

import json
import logging
import time
from contextlib import AsyncExitStack
from typing import Any

from aiohttp import web
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from bot.gateway.errors import GatewayError
from bot.gateway.types import ChatMessage, Completion, GatewayRequest, as_role
from bot.i18n import both
from bot.runtime import Runtime
from bot.store.keys_repository import KeyInfo

log = logging.getLogger(__name__)


class _Message(BaseModel):
    model_config = ConfigDict(extra="ignore")
    role: str
    content: str | list[dict[str, Any]] | None = None

    def text(self) -> str:
        if isinstance(self.content, list):  # content parts: keep the text ones
            return "".join(p.get("text", "") for p in self.content if p.get("type") == "text")
        return self.content or ""


class _ChatRequest(BaseModel):
    model_config = ConfigDict(extra="ignore")
    model: str
    messages: list[_Message] = Field(min_length=1)
    stream: bool = False
    max_tokens: int | None = Field(None, ge=1, le=32_000)
    max_completion_tokens: int | None = Field(None, ge=1, le=32_000)
    temperature: float = Field(0.3, ge=0, le=2)
    user: str | None = None


def openai_error(
    status: int, message: str, code: str, kind: str = "invalid_request_error", headers: dict[str, str] | None = None
) -> web.Response:
    return web.json_response(
        {"error": {"message": message, "type": kind, "param": None, "code": code}}, status=status, headers=headers
    )


class OpenAIEndpoint:
    def __init__(self, runtime: Runtime):
        self.runtime = runtime

    def mount(self, app: web.Application) -> None:
        app.router.add_post("/v1/chat/completions", self.chat_completions)
        app.router.add_get("/v1/models", self.models)

    async def _authenticate(self, request: web.Request) -> KeyInfo | web.Response:
        header = request.headers.get("Authorization", "")
        key = header.removeprefix("Bearer ").strip() if header.startswith("Bearer ") else ""
        info = await self.runtime.store.keys.authenticate(key) if key else None
        if info is None:
            return openai_error(
                401,
                "API 키가 없거나 올바르지 않습니다. 부서 관리자에게 `govbot keys create`로 발급받으세요. / Invalid or missing API key.",
                "invalid_api_key",
            )
        if self.runtime.config.department(info.department_id) is None:
            return openai_error(
                403,
                "이 키의 부서가 더 이상 설정에 없습니다. / The key's department no longer exists.",
                "department_unknown",
                "permission_error",
            )
        return info

    async def models(self, request: web.Request) -> web.Response:
        auth = await self._authenticate(request)
        if isinstance(auth, web.Response):
            return auth
        created = int(time.time())
        data = [
            {"id": alias, "object": "model", "created": created, "owned_by": "govbot"}
            for alias in self.runtime.bundle.router.aliases
        ]
        return web.json_response({"object": "list", "data": data})

    async def chat_completions(self, request: web.Request) -> web.StreamResponse:
        auth = await self._authenticate(request)
        if isinstance(auth, web.Response):
            return auth
        try:
            body = _ChatRequest.model_validate(await request.json())
        except (ValidationError, json.JSONDecodeError, UnicodeDecodeError) as error:
            return openai_error(
                400, f"요청 본문이 올바르지 않습니다. / Invalid request body: {error}", "invalid_request"
            )
        if body.model not in self.runtime.bundle.router.aliases:
            return openai_error(
                400,
                f"없는 모델 별칭입니다: {body.model}. /v1/models 를 확인하세요. / Unknown model alias.",
                "model_not_found",
            )
        longest = max(len(m.text()) for m in body.messages)
        if longest > self.runtime.settings.max_message_chars:  # before quota: "too long", not "limit reached"
            limit = self.runtime.settings.max_message_chars
            return openai_error(400, both("message_too_long", length=longest, limit=limit), "message_too_long")
        gateway_request = GatewayRequest(
            department_id=auth.department_id,
            user_id=f"apikey:{auth.prefix}",
            messages=[ChatMessage(as_role(m.role), m.text()) for m in body.messages],
            model=body.model,
            # No conversation_key: the client sends the whole history every time, so placeholders live for
            # this one call. A key is shared by many callers and `user` is whatever they claim, so neither
            # may scope a vault (one caller's "[전화번호#1]" would come back as another caller's number).
            max_output_tokens=body.max_completion_tokens or body.max_tokens or 1200,
            temperature=body.temperature,
            platform="api",
            purpose="api",
        )
        if body.stream:
            return await self._stream(request, gateway_request, body.model)
        try:
            completion = await self.runtime.gateway.complete(gateway_request)
        except GatewayError as error:
            return _gateway_error(error)
        return web.json_response(
            {
                "id": f"chatcmpl-{completion.call_id}",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": body.model,
                "choices": [
                    {
                        "index": 0,
                        "message": {"role": "assistant", "content": completion.text},
                        "finish_reason": completion.finish_reason or "stop",
                    }
                ],
                "usage": {
                    "prompt_tokens": completion.usage.prompt_tokens,
                    "completion_tokens": completion.usage.completion_tokens,
                    "total_tokens": completion.usage.total_tokens,
                },
            }
        )

    async def _stream(self, request: web.Request, gateway_request: GatewayRequest, model: str) -> web.StreamResponse:
        async with AsyncExitStack() as stack:
            try:
                reply = await stack.enter_async_context(self.runtime.gateway.stream(gateway_request))
            except GatewayError as error:  # refused before anything was sent: a normal OpenAI error response
                return _gateway_error(error)
            response = web.StreamResponse(headers={"Content-Type": "text/event-stream", "Cache-Control": "no-cache"})
            await response.prepare(request)
            events = _SseWriter(response, f"chatcmpl-{reply.call.call_id}", model)
            try:
                await events.send(events.chunk({"role": "assistant", "content": ""}))
                async for text in reply:
                    await events.send(events.chunk({"content": text}))
            except GatewayError as error:  # failed midway: OpenAI streams report errors as an event
                await events.error(f"{error.message('ko')} / {error.message('en')}", error.code)
                return response
            except ConnectionError:  # aiohttp.ClientConnectionResetError is one
                # The client left: leaving this block closes the stream, which bills what was delivered.
                log.info("api: the client went away before the streamed answer was complete")
                return response
        try:
            await events.finish(reply.completion)
        except ConnectionError:  # aiohttp.ClientConnectionResetError is one
            log.info("api: the client went away before the end of the stream")
        return response


class _SseWriter:
    """OpenAI's chat.completion.chunk events on one response."""

    def __init__(self, response: web.StreamResponse, chunk_id: str, model: str):
        self._response = response
        self._id = chunk_id
        self._model = model

    async def send(self, payload: dict[str, Any]) -> None:
        await self._response.write(f"data: {json.dumps(payload, ensure_ascii=False)}\n\n".encode())

    def chunk(self, delta: dict[str, Any], finish: str | None = None) -> dict[str, Any]:
        return {
            "id": self._id,
            "object": "chat.completion.chunk",
            "created": int(time.time()),
            "model": self._model,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
        }

    async def error(self, message: str, code: str) -> None:
        await self.send({"error": {"message": message, "type": "server_error", "code": code}})
        await self._response.write(b"data: [DONE]\n\n")

    async def finish(self, completion: Completion | None) -> None:
        if completion is None or completion.interrupted:
            # Cut off upstream: an error event, never a "stop" that makes a fragment look whole.
            await self.error(both("answer_stream_broken"), "stream_interrupted")
        else:
            await self.send(self.chunk({}, completion.finish_reason or "stop"))
            usage = {
                "prompt_tokens": completion.usage.prompt_tokens,
                "completion_tokens": completion.usage.completion_tokens,
                "total_tokens": completion.usage.total_tokens,
            }
            await self.send({**self.chunk({}), "choices": [], "usage": usage})
            await self._response.write(b"data: [DONE]\n\n")
        await self._response.write_eof()


def _gateway_error(error: GatewayError) -> web.Response:
    headers = {"Retry-After": str(error.retry_after)} if error.retry_after else None
    kind = {400: "invalid_request_error", 403: "permission_error", 429: "rate_limit_error"}.get(
        error.status, "server_error"
    )
    message = f"{error.message('ko')} / {error.message('en')}"
    return openai_error(error.status, message, error.code, kind, headers)
