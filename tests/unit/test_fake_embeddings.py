"""The fake upstream's `/v1/embeddings` through the real openai client: deterministic unit vectors, and the
real API's limits answered with OpenAI-style errors (so the gateway's batching is tested against them)."""

from __future__ import annotations

import numpy as np
import openai
import pytest
from openai import AsyncOpenAI

from tests.fakes.openai_server import MAX_INPUTS, FakeOpenAI


async def test_vectors_are_deterministic_unit_vectors_closer_for_shared_words():
    fake = await FakeOpenAI().start()
    try:
        client = AsyncOpenAI(base_url=fake.base_url, api_key="x", max_retries=0)
        texts = ["정당 현수막 표시 기간", "정당 현수막 게시 기간", "공무원 여비 지급"]
        first = await client.embeddings.create(model="e", input=texts, encoding_format="float")
        again = await client.embeddings.create(model="e", input=texts)  # the client's default: base64
        await client.close()
    finally:
        await fake.stop()
    a = np.array([d.embedding for d in first.data])
    b = np.array([d.embedding for d in again.data])
    assert np.allclose(a, b, atol=1e-6) and np.allclose(np.linalg.norm(a, axis=1), 1.0)
    assert a[0] @ a[1] > a[0] @ a[2]
    assert first.usage.prompt_tokens > 0 and fake.embedding_inputs() == texts * 2


async def test_limits_answer_openai_style_errors():
    fake = await FakeOpenAI().start()
    try:
        client = AsyncOpenAI(base_url=fake.base_url, api_key="x", max_retries=0)
        with pytest.raises(openai.BadRequestError) as too_many:
            await client.embeddings.create(model="e", input=["가"] * (MAX_INPUTS + 1), encoding_format="float")
        with pytest.raises(openai.BadRequestError) as too_long:
            await client.embeddings.create(model="e", input=["가" * 9000], encoding_format="float")
        with pytest.raises(openai.BadRequestError):
            await client.embeddings.create(model="e", input=[""], encoding_format="float")
        fake.fail_embeddings_with(503)
        with pytest.raises(openai.InternalServerError):
            await client.embeddings.create(model="e", input=["가"], encoding_format="float")
        await client.close()
    finally:
        await fake.stop()
    assert "maximum length 2048" in too_many.value.message
    assert too_long.value.code == "context_length_exceeded"
