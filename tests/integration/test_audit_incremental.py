"""The console's cheap chain check: only records since the last verification, from a signed mark in the database;
an edit before the mark is found by the full verification, an edit of the mark's own record or of the mark at once."""

from __future__ import annotations

from sqlalchemy import text

from bot.audit.admin import AdminChange, admin_record
from bot.store import Store


async def append(store: Store, count: int) -> None:
    for n in range(count):
        change = AdminChange("quota_set", "han.sujin", "traffic", {"limit": "tokens_per_day"}, "cli")
        await store.audit.append(admin_record(change, n, n + 1))


async def test_the_page_check_reads_only_new_records_and_the_full_check_names_an_old_edit(database):
    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    try:
        await append(store, 5)
        first = await store.audit.verify_new()  # no mark yet: a full verification, which sets it
        mark, full_at = await store.audit.verified()
        await append(store, 3)
        later = await store.audit.verify_new()
        moved, _ = await store.audit.verified()
        async with store.engine.begin() as connection:
            await connection.execute(text("UPDATE audit_log SET prompt_tokens = 7 WHERE seq = 2"))
        unnoticed = await store.audit.verify_new()
        full = await store.audit.verify_full()
        async with store.engine.begin() as connection:  # the mark's own record rewritten
            await connection.execute(text("UPDATE audit_log SET hash = :h WHERE seq = 8"), {"h": "0" * 64})
        rewritten = await store.audit.verify_new()
        async with store.engine.begin() as connection:  # the mark moved back by SQL: its signature no longer holds
            await connection.execute(text("UPDATE audit_verified SET seq = 1"))
        forged = await store.audit.verify_new()
    finally:
        await store.close()
    assert first == (5, []) and mark is not None and mark.records == 5 and full_at is not None
    assert later == (3, []) and moved is not None and moved.records == 8
    assert unnoticed == (0, [])  # record 2 lies before the mark: the page's check does not reread it
    assert full[1] and full[1][0].seq == 2 and full[1][0].kind == "edited"
    assert rewritten[1] and rewritten[1][0].seq == 8 and rewritten[1][0].kind == "rewritten"
    assert any(p.kind == "mark_forged" for p in forged[1]) and any(p.seq == 2 for p in forged[1])
