"""Result-file tokens: only the owner gets the file, and only until it expires."""

from __future__ import annotations

from bot.conversation import FilePart
from bot.downloads import Downloads

XLSX = FilePart("민원_분류.xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", b"PK..")


def test_only_the_owner_gets_the_file_until_it_expires() -> None:
    now = [0.0]
    downloads = Downloads(ttl_seconds=60, clock=lambda: now[0])
    token = downloads.put(XLSX, owner="web:kim.minsu")
    assert downloads.get(token, "web:kim.minsu") == XLSX
    assert downloads.get(token, "web:lee.jieun") is None
    assert downloads.get("guessed-token", "web:kim.minsu") is None
    now[0] = 61.0
    assert downloads.get(token, "web:kim.minsu") is None


def test_the_oldest_file_goes_first_when_full() -> None:
    downloads = Downloads(max_files=2)
    first, second, third = (downloads.put(XLSX, owner="u") for _ in range(3))
    assert downloads.get(first, "u") is None
    assert downloads.get(second, "u") == XLSX and downloads.get(third, "u") == XLSX
