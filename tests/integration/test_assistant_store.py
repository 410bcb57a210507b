"""Department assistants in storage, on SQLite and PostgreSQL: immutable versions, unique names per
department even under concurrent saves, soft delete."""

from __future__ import annotations

import asyncio

import pytest

from assistants.spec import AssistantSpec
from bot.store import Store
from bot.store.assistants_repository import EditConflict, NameTaken


def spec(id_: str, name: str, department: str = "traffic", prompt: str = "당신은 도우미입니다.") -> AssistantSpec:
    return AssistantSpec(id=id_, name=name, department=department, visibility="department", system_prompt=prompt)


async def test_versions_publish_and_soft_delete(database):
    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    try:
        repo = store.assistants
        first = await repo.create(spec("traffic-a", "주차 안내"), by="kim.minsu", note="만듦")
        assert first.version == 1 and await repo.published() == []
        second = await repo.add_version(
            spec("traffic-a", "주차 안내", prompt="새 프롬프트"), after=1, by="kim.minsu", note="수정"
        )
        await repo.publish("traffic-a", 1)
        [published] = await repo.published()
        assert second.version == 2 and published.version == 1 and published.system_prompt == "당신은 도우미입니다."
        with pytest.raises(EditConflict):
            await repo.add_version(
                spec("traffic-a", "주차 안내", prompt="늦은 수정"), after=1, by="park.jiyoung", note="수정"
            )
        assert [v.version for v in await repo.history("traffic-a")] == [1, 2]

        # The same name in another department is fine; in the same department it is not.
        await repo.create(spec("road-a", "주차 안내", department="road"), by="seo.minji", note="만듦")
        with pytest.raises(NameTaken):
            await repo.create(spec("traffic-b", "주차안내"), by="kim.minsu", note="만듦")
        await repo.delete("traffic-a")
        assert [s.id for s in await repo.published()] == [] and (await repo.state("traffic-a")).deleted
        await repo.create(spec("traffic-b", "주차 안내"), by="kim.minsu", note="만듦")  # the name is free while deleted
        with pytest.raises(NameTaken):
            await repo.restore("traffic-a")
        assert (await repo.spec("traffic-a", 2)).system_prompt == "새 프롬프트"  # history kept
    finally:
        await store.close()


async def test_concurrent_creates_of_one_name_leave_exactly_one(database):
    url, schema = database
    stores = [await Store.open(url, schema=schema, migrate=(i == 0)) for i in range(2)]
    try:

        async def attempt(i: int) -> bool:
            try:
                await stores[i % 2].assistants.create(spec(f"traffic-{i}", "민원 요약"), by="kim.minsu", note="만듦")
                return True
            except NameTaken:
                return False

        results = await asyncio.gather(*(attempt(i) for i in range(8)))
        assert results.count(True) == 1
        assert len(await stores[0].assistants.latest("traffic")) == 1
    finally:
        for store in stores:
            await store.close()


async def test_abandoned_dialogues_expire_and_are_removed(database):
    from datetime import timedelta

    from sqlalchemy import select

    from bot.store.dialogues_repository import DialogueRepository
    from bot.store.models import AuthoringDialogue

    url, schema = database
    store = await Store.open(url, schema=schema, migrate=True)
    try:
        await store.dialogues.put("web:kim:t1", "kim.minsu", "purpose", {"name": "주차 안내"})
        assert await store.dialogues.get("web:kim:t1", "kim.minsu") == ("purpose", {"name": "주차 안내"})
        assert await store.dialogues.get("web:kim:t1", "lee.seoyeon") is None  # only its author continues it
        expired = DialogueRepository(store.sessions, ttl=timedelta(seconds=-1))
        assert await expired.get("web:kim:t1", "kim.minsu") is None
        await expired.put("web:lee:t2", "lee.seoyeon", "name", {})  # saving any dialogue sweeps the old ones
        async with store.sessions() as session:
            assert (await session.execute(select(AuthoringDialogue.user_id))).scalars().all() == ["lee.seoyeon"]
    finally:
        await store.close()
