"""Every admin change lands in the signed audit chain (who, what, before, after), from each surface: chat commands
(`/quota`, `/role` through the web chat), the CLI (`govbot quota`, `govbot keys`) and the admin console (HTTP
forms with their CSRF token). The records verify with the calls' records, and an edited one is named.

People from the shipped app.yaml: park.jiyoung is the traffic department's admin (tokens_per_day 200,000 in
app.yaml), kim.minsu a traffic editor, lee.seoyeon a traffic member.
"""

from __future__ import annotations

import json
import re

import pytest
from sqlalchemy import update

from bot.roles import change_role
from bot.store.models import AuditRecord
from tests.integration.test_admin_console import Browser, csrf_of
from tests.integration.test_audit import cli, records
from tests.integration.webchat import send


def admin_changes(rows: list[AuditRecord]) -> list[tuple[str, str, str, dict, object, object]]:
    """(decision, who, platform, target, before, after) of the admin records, in chain order."""
    out = []
    for row in rows:
        if row.purpose != "admin":
            continue
        detail = json.loads(row.content or "{}")
        out.append((row.decision, row.user_id, row.platform, detail["target"], detail["before"], detail["after"]))
    return out


async def test_quota_and_role_changes_in_chat_are_audited_with_before_and_after(start_govbot):
    async with start_govbot(offline=True) as gb:
        refused = await send(gb.url, "/quota set tokens_per_day 1", user="lee.seoyeon")  # not an admin
        await send(gb.url, "/quota set tokens_per_day 5000", user="park.jiyoung")
        await send(gb.url, "/quota set user_tokens_per_day 300", user="park.jiyoung")  # a per-user limit
        await send(gb.url, "/quota grant tokens_per_day 700", user="park.jiyoung")
        await send(gb.url, "/role kim.minsu admin", user="park.jiyoung")
        await send(gb.url, "/role kim.minsu reset", user="park.jiyoung")
        await send(gb.url, "/quota reset", user="park.jiyoung")
        await send(gb.url, "주정차 단속 기준을 알려줘", user="kim.minsu")  # a call's record among the admin ones
        rows = await records(gb.runtime)
        verified = await cli(gb, "audit", "verify")
    assert refused.reply is not None and refused.reply["kind"] == "error"
    changes = admin_changes(rows)
    assert [c[0] for c in changes] == [
        "quota_set",
        "quota_set",
        "quota_grant",
        "role_grant",
        "role_revoke",
        "quota_reset",
    ]
    assert all(c[1] == "park.jiyoung" and c[2] == "web" for c in changes)
    assert changes[0][3:] == ({"limit": "tokens_per_day"}, {"value": 200000, "from": "app.yaml"}, {"value": 5000})
    assert changes[1][3]["limit"] == "user_tokens_per_day" and changes[1][5] == {"value": 300}
    assert changes[2][4]["grant"] == 0 and changes[2][5] == {"grant": 700}
    assert changes[3][3:] == ({"user": "kim.minsu"}, None, "admin")
    assert changes[4][3:] == ({"user": "kim.minsu"}, "admin", None)
    assert changes[5][4] == {"tokens_per_day": 5000, "user_tokens_per_day": 300, "grant:tokens_per_day": 700}
    assert changes[5][5] == {}
    assert all(r.department_id == "traffic" for r in rows if r.purpose == "admin")
    assert verified.exit_code == 0 and f"{len(rows)}건 모두 온전합니다" in verified.output


async def test_cli_changes_are_audited_and_an_edited_admin_record_is_named(start_govbot):
    async with start_govbot(offline=True) as gb:
        await cli(gb, "quota", "set", "traffic", "requests_per_day", "none", "--by", "park.jiyoung")
        denied = await cli(gb, "quota", "set", "traffic", "requests_per_day", "1", "--by", "lee.seoyeon")
        created = await cli(gb, "keys", "create", "-d", "traffic", "--name", "민원 시스템", "--by", "park.jiyoung")
        key = re.search(r"gbk_\S+", created.output)
        assert key is not None, created.output
        prefix = key.group(0)[:12]
        await cli(gb, "keys", "revoke", prefix, "--by", "park.jiyoung")
        rows = await records(gb.runtime)
        clean = await cli(gb, "audit", "verify")
        changed = next(r for r in rows if r.decision == "quota_set")
        forged = changed.content.replace('"value": null', '"value": 999999')
        async with gb.runtime.store.sessions.begin() as session:
            await session.execute(update(AuditRecord).where(AuditRecord.seq == changed.seq).values(content=forged))
        tampered = await cli(gb, "audit", "verify")
    assert denied.exit_code != 0
    changes = admin_changes(rows)
    assert [c[0] for c in changes] == ["quota_set", "key_create", "key_revoke"]
    assert all(c[1] == "park.jiyoung" and c[2] == "cli" for c in changes)
    assert changes[0][3] == {"limit": "requests_per_day"} and changes[0][4]["from"] == "app.yaml"
    assert changes[0][5] == {"value": None}  # set to unlimited
    assert changes[1][3] == {"key": prefix} and changes[1][5] == {
        "prefix": prefix,
        "name": "민원 시스템",
        "revoked": False,
    }
    assert changes[2][4]["revoked"] is False and changes[2][5] == {"revoked": True}
    assert all(key.group(0) not in (r.content or "") for r in rows)  # the key itself is never recorded
    assert clean.exit_code == 0, clean.output
    assert forged != changed.content
    assert tampered.exit_code == 1 and f"#{changed.seq} edited" in tampered.output


async def test_console_changes_are_audited_as_the_console_admins(start_govbot):
    async with start_govbot(offline=True) as gb:
        admin = Browser(gb.url, "park.jiyoung")
        try:
            page = await admin.get("/admin/d/traffic/quotas")
            token = csrf_of(page)
            await admin.post(
                "/admin/d/traffic/quotas", {"action": "set", "limit": "tokens_per_day", "value": "1234", "csrf": token}
            )
            no_token = await admin.post(
                "/admin/d/traffic/quotas", {"action": "set", "limit": "tokens_per_day", "value": "1"}
            )
            await admin.post("/admin/d/traffic/roles", {"user": "lee.seoyeon", "role": "editor", "csrf": token})
            created = await admin.post("/admin/d/traffic/keys", {"action": "create", "name": "통계", "csrf": token})
            key = re.search(r'<code id="new-key">(gbk_[^<]+)</code>', created.text)
            assert key is not None
            prefix = key.group(1)[:12]
            await admin.post(
                "/admin/d/traffic/keys", {"action": "revoke", "prefix": prefix, "csrf": token, "confirmed": "yes"}
            )
        finally:
            await admin.close()
        rows = await records(gb.runtime)
        verified = await cli(gb, "audit", "verify")
    assert no_token.status == 403
    changes = admin_changes(rows)
    assert [c[0] for c in changes] == ["quota_set", "role_grant", "key_create", "key_revoke"]
    assert all(c[1] == "park.jiyoung" and c[2] == "admin" for c in changes)
    assert changes[0][3:] == ({"limit": "tokens_per_day"}, {"value": 200000, "from": "app.yaml"}, {"value": 1234})
    assert changes[1][3:] == ({"user": "lee.seoyeon"}, None, "editor")
    assert changes[2][3] == {"key": prefix} and changes[3][5] == {"revoked": True}
    assert verified.exit_code == 0, verified.output


async def test_a_refused_change_writes_no_record(start_govbot):
    async with start_govbot(offline=True) as gb:
        bad = await send(gb.url, "/quota set tokens_per_year 5", user="park.jiyoung")  # no such limit
        member = await send(gb.url, "/role kim.minsu admin", user="lee.seoyeon")  # not an admin
        rows = await records(gb.runtime)
    assert bad.reply is not None and bad.reply["kind"] == "error"
    assert member.reply is not None and member.reply["kind"] == "error"
    assert rows == []


class BrokenAudit:
    async def append(self, fields, connection=None) -> int:
        raise RuntimeError("audit store unavailable")


async def test_a_change_whose_record_cannot_be_written_is_not_made(start_govbot):
    # The change and its record share one transaction: no unaudited change.
    async with start_govbot(offline=True) as gb:
        services = gb.runtime.bot.services
        for attempt in (
            services.quota.set_limit(
                "traffic", "tokens_per_day", 1, "park.jiyoung", audit=BrokenAudit(), platform="cli"
            ),
            change_role(
                services.store.roles,
                "traffic",
                "kim.minsu",
                "admin",
                by="park.jiyoung",
                audit=BrokenAudit(),
                platform="cli",
            ),
        ):
            with pytest.raises(RuntimeError):
                await attempt
        limits = {s.name: s.value for s in await services.quota.status("traffic")}
        granted = await services.store.roles.get("traffic", "kim.minsu")
    assert limits["tokens_per_day"] == 200000 and granted is None


async def test_roles_granted_and_revoked_on_the_cli_are_audited_and_a_run_time_admin_may_use_it(start_govbot):
    async with start_govbot(offline=True) as gb:
        refused = await cli(gb, "role", "set", "traffic", "lee.seoyeon", "editor", "--by", "kim.minsu")
        granted = await cli(gb, "role", "set", "traffic", "kim.minsu", "admin", "--by", "park.jiyoung")
        by_grantee = await cli(gb, "role", "set", "traffic", "lee.seoyeon", "editor", "--by", "kim.minsu")
        listed = await cli(gb, "role", "list", "traffic")
        revoked = await cli(gb, "role", "reset", "traffic", "kim.minsu", "--by", "park.jiyoung")
        rows = await records(gb.runtime)
        kim = await gb.runtime.store.roles.get("traffic", "kim.minsu")
    assert refused.exit_code != 0 and "관리자가 아닙니다" in refused.output
    assert granted.exit_code == 0 and by_grantee.exit_code == 0, (granted.output, by_grantee.output)
    assert revoked.exit_code == 0 and kim is None
    assert "lee.seoyeon" in listed.output and "editor" in listed.output
    changes = admin_changes(rows)
    assert [(c[0], c[1], c[2], c[3], c[4], c[5]) for c in changes] == [
        ("role_grant", "park.jiyoung", "cli", {"user": "kim.minsu"}, None, "admin"),
        ("role_grant", "kim.minsu", "cli", {"user": "lee.seoyeon"}, None, "editor"),
        ("role_revoke", "park.jiyoung", "cli", {"user": "kim.minsu"}, "admin", None),
    ]
