"""A fake OpenAI-compatible upstream on 127.0.0.1, reached by the real `openai` client.

It records every request body, so tests can check what a model provider would have received, and
it can be scripted per call: a reply text, an HTTP error status, a delay, or a broken stream.
"""

from __future__ import annotations

import asyncio
import base64
import hashlib
import json
import time
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from aiohttp import web

from bot.gateway.stream import estimate_tokens
from tests.fakes import serve_on_loopback

# The real `/v1/embeddings` limits (text-embedding-3-*): inputs per request, tokens per input, tokens per request.
MAX_INPUTS = 2048
MAX_INPUT_TOKENS = 8192
MAX_REQUEST_TOKENS = 300_000
EMBEDDING_DIMENSIONS = 256


def fake_embedding(text: str, dimensions: int = EMBEDDING_DIMENSIONS) -> list[float]:
    """A deterministic unit vector: hashed character bigrams and trigrams of the text (spaces removed), so
    texts sharing words point the same way — a stand-in for a real model, not a model."""
    compact = "".join(text.split())
    vector = np.zeros(dimensions, dtype=np.float64)
    for size in (2, 3):
        for i in range(len(compact) - size + 1):
            digest = hashlib.blake2b(compact[i : i + size].encode(), digest_size=8).digest()
            value = int.from_bytes(digest, "little")
            vector[value % dimensions] += 1.0 if (value >> 32) & 1 else -1.0
    norm = float(np.linalg.norm(vector))
    return (vector / norm).tolist() if norm else vector.tolist()


def _invalid(message: str, code: str | None = None) -> web.Response:
    """An OpenAI-style 400."""
    return web.json_response(
        {"error": {"message": message, "type": "invalid_request_error", "param": "input", "code": code}}, status=400
    )


@dataclass
class Scripted:
    text: str | None = None  # None: echo a default answer
    status: int = 200
    delay: float = 0.0
    usage: tuple[int, int] | None = (11, 7)  # (prompt, completion); None omits usage
    break_stream_after: int | None = None  # close the connection after N chunks
    # End the stream cleanly after N chunks ([DONE], proper chunked end) but without a finish_reason or
    # usage: what a proxy that times out or a restarting server leaves behind.
    cut_stream_after: int | None = None
    malformed: bool = False  # a 200 whose JSON body (or SSE event) is broken off mid-object
    chunk_delay: float = 0.0  # seconds between streamed chunks (lets a client leave mid-answer)
    # (function name, arguments JSON text) the model calls instead of answering; emitted only when the request
    # offers a tool of that name (a model is never told of a tool it was not given: it answers `text` then).
    tool_calls: tuple[tuple[str, str], ...] = ()


@dataclass
class FakeOpenAI:
    host: str = "127.0.0.1"
    port: int = 0
    requests: list[dict[str, Any]] = field(default_factory=list)
    headers: list[dict[str, str]] = field(default_factory=list)
    default_text: str = "안녕하세요. 요청하신 내용을 정리했습니다."
    abandoned: int = 0  # streams the caller stopped reading before the end
    _script: deque[Scripted] = field(default_factory=deque)
    _embed_failures: deque[int] = field(default_factory=deque)  # statuses for the next embeddings calls
    _runner: web.AppRunner | None = None

    @property
    def base_url(self) -> str:
        return f"http://{self.host}:{self.port}/v1"

    def reply_with(self, text: str, **options: Any) -> None:
        self._script.append(Scripted(text=text, **options))

    def call_tools(self, *calls: tuple[str, str], text: str = "", **options: Any) -> None:
        """The next chat call answers with tool calls (name, arguments JSON), as the real API does: in a
        non-streamed answer `message.tool_calls` with finish_reason "tool_calls"; streamed, the first delta of each
        call carries its index, id, type and name with empty arguments, later deltas append argument pieces."""
        self._script.append(Scripted(text=text, tool_calls=tuple(calls), **options))

    def fail_with(self, status: int, times: int = 1) -> None:
        for _ in range(times):
            self._script.append(Scripted(status=status))

    def fail_embeddings_with(self, status: int, times: int = 1) -> None:
        """The next `times` embeddings calls answer `status` (chat calls are not affected)."""
        self._embed_failures.extend([status] * times)

    def embedding_inputs(self) -> list[str]:
        """Every text sent to `/v1/embeddings`, in order."""
        found: list[str] = []
        for body in self.requests:
            if "input" in body:
                value = body["input"]
                found += [value] if isinstance(value, str) else list(value)
        return found

    def everything_sent(self) -> str:
        """All message contents and embeddings inputs the upstream ever received, joined (for leak checks)."""
        chats = [m.get("content") or "" for r in self.requests for m in r.get("messages", [])]
        return "\n".join(chats + self.embedding_inputs())

    async def start(self) -> FakeOpenAI:
        app = web.Application()
        app.router.add_post("/v1/chat/completions", self._chat)
        app.router.add_post("/v1/embeddings", self._embeddings)
        app.router.add_get("/v1/models", self._models)
        app.router.add_get("/_received", self._received)
        app.router.add_delete("/_received", self._forget)
        self._runner, self.port = await serve_on_loopback(app, self.host, self.port)
        return self

    async def stop(self) -> None:
        if self._runner is not None:
            await self._runner.cleanup()

    async def _received(self, request: web.Request) -> web.Response:
        """What it was sent (for a benchmark whose fake runs in another process)."""
        return web.json_response({"requests": self.requests})

    async def _forget(self, request: web.Request) -> web.Response:
        self.requests.clear()
        return web.json_response({"ok": True})

    async def _models(self, request: web.Request) -> web.Response:
        return web.json_response(
            {"object": "list", "data": [{"id": "fake-model", "object": "model", "created": 0, "owned_by": "test"}]}
        )

    async def _embeddings(self, request: web.Request) -> web.Response:
        """`/v1/embeddings` with the real API's input rules and errors; vectors from `fake_embedding`."""
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        if self._embed_failures:
            status = self._embed_failures.popleft()
            return web.json_response(
                {"error": {"message": f"scripted failure {status}", "type": "server_error", "code": None}},
                status=status,
            )
        raw = body.get("input")
        inputs = [raw] if isinstance(raw, str) else raw
        if not isinstance(inputs, list) or not inputs or not all(isinstance(x, str) for x in inputs):
            return _invalid(
                "'$.input' is invalid. Please check the API reference: https://platform.openai.com/docs/api-reference."
            )
        if len(inputs) > MAX_INPUTS:
            return _invalid(
                f"'$.input' is too long. Expected an array with maximum length {MAX_INPUTS}, "
                f"but got an array with length {len(inputs)} instead."
            )
        if any(not text for text in inputs):
            return _invalid("'$.input' is invalid: an input must not be empty.")
        counts = [estimate_tokens(text) for text in inputs]
        longest = max(counts)
        if longest > MAX_INPUT_TOKENS:
            return _invalid(
                f"This model's maximum context length is {MAX_INPUT_TOKENS} tokens, however you requested "
                f"{longest} tokens ({longest} in your prompt; 0 for the completion). Please reduce your prompt.",
                "context_length_exceeded",
            )
        if sum(counts) > MAX_REQUEST_TOKENS:
            return _invalid(f"Requested {sum(counts)} tokens, max {MAX_REQUEST_TOKENS} tokens per request")
        as_base64 = body.get("encoding_format") == "base64"
        data = []
        for index, text in enumerate(inputs):
            vector = fake_embedding(text, int(body.get("dimensions") or EMBEDDING_DIMENSIONS))
            encoded: object = (
                base64.b64encode(np.asarray(vector, dtype="<f4").tobytes()).decode() if as_base64 else vector
            )
            data.append({"object": "embedding", "index": index, "embedding": encoded})
        return web.json_response(
            {
                "object": "list",
                "data": data,
                "model": body.get("model", "fake-embedding"),
                "usage": {"prompt_tokens": sum(counts), "total_tokens": sum(counts)},
            }
        )

    async def _chat(self, request: web.Request) -> web.StreamResponse:
        body = await request.json()
        self.requests.append(body)
        self.headers.append(dict(request.headers))
        step = self._script.popleft() if self._script else Scripted()
        if step.delay:
            await asyncio.sleep(step.delay)
        if step.status != 200:
            return web.json_response(
                {"error": {"message": f"scripted failure {step.status}", "type": "server_error", "code": None}},
                status=step.status,
                headers={"Retry-After": "0"} if step.status == 429 else None,
            )
        if (problem := _tool_message_problem(body)) is not None:
            return _invalid(problem)
        offered = {(t.get("function") or {}).get("name") for t in body.get("tools") or []}
        calls = [
            (f"call_{len(self.requests)}_{i}", name, arguments)
            for i, (name, arguments) in enumerate(step.tool_calls)
            if name in offered
        ]
        if step.tool_calls and not calls:
            step = Scripted(text=self.default_text, usage=step.usage)  # not offered: a plain answer
        text = step.text if step.text is not None else self.default_text
        model = body.get("model", "fake-model")
        if calls:
            return await self._tool_calls(request, body, step, text, model, calls)
        if step.malformed and not body.get("stream"):
            return web.Response(
                body=b'{"id": "chatcmpl-fake", "choices": [{"index": 0, "mess', content_type="application/json"
            )
        if body.get("stream"):
            return await self._stream(request, body, step, text, model)
        usage = (
            {"prompt_tokens": step.usage[0], "completion_tokens": step.usage[1], "total_tokens": sum(step.usage)}
            if step.usage
            else None
        )
        return web.json_response(
            {
                "id": "chatcmpl-fake",
                "object": "chat.completion",
                "created": int(time.time()),
                "model": model,
                "choices": [{"index": 0, "message": {"role": "assistant", "content": text}, "finish_reason": "stop"}],
                **({"usage": usage} if usage else {}),
            }
        )

    async def _tool_calls(
        self,
        request: web.Request,
        body: dict[str, Any],
        step: Scripted,
        text: str,
        model: str,
        calls: list[tuple[str, str, str]],
    ) -> web.StreamResponse:
        usage = (
            {"prompt_tokens": step.usage[0], "completion_tokens": step.usage[1], "total_tokens": sum(step.usage)}
            if step.usage
            else None
        )
        if not body.get("stream"):
            message = {
                "role": "assistant",
                "content": text or None,
                "tool_calls": [
                    {"id": call_id, "type": "function", "function": {"name": name, "arguments": arguments}}
                    for call_id, name, arguments in calls
                ],
            }
            return web.json_response(
                {
                    "id": "chatcmpl-fake",
                    "object": "chat.completion",
                    "created": int(time.time()),
                    "model": model,
                    "choices": [{"index": 0, "message": message, "finish_reason": "tool_calls"}],
                    **({"usage": usage} if usage else {}),
                }
            )
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)

        async def send(delta: dict[str, Any], finish: str | None = None, **extra: Any) -> None:
            chunk = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "delta": delta, "finish_reason": finish}],
                **extra,
            }
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())

        await send({"role": "assistant", "content": text or None})
        for index, (call_id, name, arguments) in enumerate(calls):
            head = {"index": index, "id": call_id, "type": "function", "function": {"name": name, "arguments": ""}}
            await send({"tool_calls": [head]})
            for start in range(0, len(arguments), 7):
                piece = {"index": index, "function": {"arguments": arguments[start : start + 7]}}
                await send({"tool_calls": [piece]})
        await send({}, "tool_calls")
        if usage and (body.get("stream_options") or {}).get("include_usage"):
            final = {"id": "chatcmpl-fake", "object": "chat.completion.chunk", "created": 0, "model": model}
            await response.write(f"data: {json.dumps({**final, 'choices': [], 'usage': usage})}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()
        return response

    async def _stream(
        self, request: web.Request, body: dict[str, Any], step: Scripted, text: str, model: str
    ) -> web.StreamResponse:
        response = web.StreamResponse(headers={"Content-Type": "text/event-stream"})
        await response.prepare(request)
        try:
            await self._write_stream(request, response, body, step, text, model)
        except ConnectionError:  # the caller stopped reading (as a real upstream, just stop)
            self.abandoned += 1
        return response

    async def _write_stream(
        self,
        request: web.Request,
        response: web.StreamResponse,
        body: dict[str, Any],
        step: Scripted,
        text: str,
        model: str,
    ) -> None:
        pieces = [text[i : i + 8] for i in range(0, len(text), 8)] or [""]
        for index, piece in enumerate(pieces):
            if step.break_stream_after is not None and index >= step.break_stream_after:
                request.transport.close()  # type: ignore[union-attr]
                return
            if step.cut_stream_after is not None and index >= step.cut_stream_after:
                await response.write(b"data: [DONE]\n\n")
                await response.write_eof()
                return
            if step.malformed and index == 1:
                await response.write(b'data: {"id": "chatcmpl-fake", "choices": [{"delta": {"cont\n\n')
                await response.write_eof()
                return
            if step.chunk_delay:
                await asyncio.sleep(step.chunk_delay)
            chunk = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [{"index": 0, "delta": {"content": piece}, "finish_reason": None}],
            }
            await response.write(f"data: {json.dumps(chunk, ensure_ascii=False)}\n\n".encode())
        final = {
            "id": "chatcmpl-fake",
            "object": "chat.completion.chunk",
            "created": 0,
            "model": model,
            "choices": [{"index": 0, "delta": {}, "finish_reason": "stop"}],
        }
        await response.write(f"data: {json.dumps(final)}\n\n".encode())
        if step.usage and (body.get("stream_options") or {}).get("include_usage"):
            usage_chunk = {
                "id": "chatcmpl-fake",
                "object": "chat.completion.chunk",
                "created": 0,
                "model": model,
                "choices": [],
                "usage": {
                    "prompt_tokens": step.usage[0],
                    "completion_tokens": step.usage[1],
                    "total_tokens": sum(step.usage),
                },
            }
            await response.write(f"data: {json.dumps(usage_chunk)}\n\n".encode())
        await response.write(b"data: [DONE]\n\n")
        await response.write_eof()


def _tool_message_problem(body: dict[str, Any]) -> str | None:
    """The real API's 400 for a tool message that answers no call of the assistant message before it."""
    called: set[str] = set()
    for index, message in enumerate(body.get("messages") or []):
        if message.get("role") == "assistant":
            called = {c.get("id") for c in message.get("tool_calls") or []}
        elif message.get("role") == "tool" and message.get("tool_call_id") not in called:
            return (
                f"Invalid parameter: messages with role 'tool' must be a response to a preceeding message with "
                f"'tool_calls'. (messages.[{index}].role)"
            )
    return None


def main() -> None:
    """Run the fake upstream on its own (benchmarks): python -m tests.fakes.openai_server --port 8999"""
    import argparse

    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8999)
    parser.add_argument("--text", default="확인했습니다. 요청하신 내용을 검토하겠습니다.")
    args = parser.parse_args()

    async def run() -> None:
        await FakeOpenAI(port=args.port, default_text=args.text).start()
        await asyncio.Event().wait()

    asyncio.run(run())


if __name__ == "__main__":
    main()
