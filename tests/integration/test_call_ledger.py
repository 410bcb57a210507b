"""The closing writes of an answered call (quota settlement, usage row, audit record) commit in one
transaction on both stores, and when that transaction fails nothing of it stays: the reservation is
released, no usage row or audit record is left half-written, and the audit chain still verifies."""

from __future__ import annotations

from collections.abc import AsyncIterator
from datetime import datetime

import pytest
from sqlalchemy import event, func, select, text

from bot.gateway.factory import build_stages
from bot.gateway.pipeline import Gateway
from bot.gateway.providers.router import ModelRouter, Target
from bot.gateway.types import ChatMessage, Finished, GatewayCall, GatewayRequest, StreamEvent, TextDelta, Usage
from bot.quota.limits import CounterKey, periods
from bot.quota.service import QuotaService
from bot.store import Store
from bot.store.models import AuditRecord, UsageRecord
from tests.conftest import offline_config
from tests.integration.test_quota import config_with_quota


class Instant:
    id, max_retries = "instant", 0

    async def open(self, model: str, call: GatewayCall) -> AsyncIterator[StreamEvent]:
        return self._events()

    async def _events(self) -> AsyncIterator[StreamEvent]:
        yield TextDelta("처리 기한은 7일입니다.")
        yield Finished(Usage(40, 8), "instant", "instant-model", "stop")


def request() -> GatewayRequest:
    return GatewayRequest("traffic", "kim.minsu", [ChatMessage("user", "민원 처리 기한은?")], max_output_tokens=100)


async def gateway_on(database) -> tuple[Store, Gateway, QuotaService]:
    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    config = config_with_quota(offline_config(), tokens_per_day=100_000, requests_per_day=100)
    quota = QuotaService(config, store.quota)
    return (
        store,
        Gateway(build_stages(config, store, quota), ModelRouter({"default": [Target(Instant(), "instant-model")]})),
        quota,
    )


async def counts(store: Store) -> tuple[int, int]:
    async with store.engine.connect() as connection:
        usage = await connection.scalar(select(func.count()).select_from(UsageRecord))
        audit = await connection.scalar(select(func.count()).select_from(AuditRecord))
    return int(usage), int(audit)


async def test_an_answered_call_commits_reserve_and_close_as_two_transactions(database):
    store, gateway, quota = await gateway_on(database)
    commits: list[int] = []
    event.listen(store.engine.sync_engine, "commit", lambda connection: commits.append(1))
    try:
        completion = await gateway.complete(request())
        status = {s.name: s.used for s in await quota.status("traffic")}
        assert completion.text == "처리 기한은 7일입니다."
        # The reservation, then settlement + usage + audit together. On PostgreSQL the reservation is one statement
        # run in autocommit (no BEGIN/COMMIT round trips), so only the closing transaction is an explicit COMMIT.
        assert len(commits) == (1 if store.engine.dialect.name == "postgresql" else 2)
        assert status["tokens_per_day"] == 48 and status["requests_per_day"] == 1
        assert await counts(store) == (1, 1)
        checked, problems = await store.audit.verify()
        assert (checked, problems) == (1, [])
    finally:
        await store.close()


async def fail_audit_inserts(store: Store) -> None:
    """A real database failure in the middle of the closing transaction (after settle and usage ran)."""
    async with store.engine.begin() as connection:
        if store.engine.dialect.name == "sqlite":
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log BEGIN SELECT RAISE(ABORT, 'disk full'); END"
                )
            )
        else:
            await connection.execute(
                text(
                    "CREATE FUNCTION refuse_audit() RETURNS trigger AS $$ BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql"
                )
            )
            await connection.execute(
                text(
                    "CREATE TRIGGER refuse_audit BEFORE INSERT ON audit_log FOR EACH ROW EXECUTE FUNCTION refuse_audit()"
                )
            )


async def test_a_failed_closing_transaction_leaves_nothing_and_charges_nothing(database):
    store, gateway, quota = await gateway_on(database)
    try:
        await gateway.complete(request())  # one good call first, so the chain has a record to keep
        await fail_audit_inserts(store)
        with pytest.raises(Exception, match="disk full"):
            await gateway.complete(request())
        status = {s.name: s.used for s in await quota.status("traffic")}
        day = periods(datetime.now(offline_config().zone)).day
        state = await store.quota.state(CounterKey("dept", "traffic", day))
        assert status["tokens_per_day"] == 48 and status["requests_per_day"] == 1  # only the good call
        assert state.reserved_tokens == 0  # the failed call's reservation was released
        assert await counts(store) == (1, 1)  # no usage row, no audit record from the failed call
        checked, problems = await store.audit.verify()
        assert (checked, problems) == (1, [])
    finally:
        await store.close()
