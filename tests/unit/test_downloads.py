"""Result-file tokens: only the owner gets the file, and only until it expires."""

from __future__ import annotations

import os

from bot.conversation import FilePart
from bot.downloads import Downloads
from bot.shared_state import ProcessState, SealedState

XLSX = FilePart("민원_분류.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK..")


async def test_only_the_owner_gets_the_file_until_it_expires() -> None:
    now = [0.0]
    downloads = Downloads(SealedState(ProcessState(clock=lambda: now[0]), os.urandom(32)), ttl_seconds=60)
    token = await downloads.put(XLSX, owner="web:kim.minsu")
    assert await downloads.get(token, "web:kim.minsu") == XLSX
    assert await downloads.get(token, "web:lee.jieun") is None
    assert await downloads.get("guessed-token", "web:kim.minsu") is None
    now[0] = 61.0
    assert await downloads.get(token, "web:kim.minsu") is None


async def test_a_link_made_by_one_process_downloads_from_another_sharing_the_state() -> None:
    backend, key = ProcessState(), os.urandom(32)
    token = await Downloads(SealedState(backend, key)).put(XLSX, owner="u")
    assert await Downloads(SealedState(backend, key)).get(token, "u") == XLSX
    assert await Downloads(SealedState(backend, os.urandom(32))).get(token, "u") is None  # another key reads nothing
