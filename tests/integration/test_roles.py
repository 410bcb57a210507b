"""One effective role everywhere: a run-time grant with `/role` means the same thing to chat commands (`/quota`,
`/role`), assistant authoring, the admin console and the CLI (bot/roles.py), and a revoked grant is gone everywhere."""

from __future__ import annotations

from tests.integration.test_admin_console import Browser, csrf_of
from tests.integration.test_audit import cli
from tests.integration.webchat import send


async def test_an_official_granted_admin_in_chat_may_set_quotas_in_chat_and_on_the_cli_until_revoked(start_govbot):
    async with start_govbot(offline=True) as gb:
        before = await send(gb.url, "/quota set tokens_per_day 5000", user="kim.minsu")
        cli_before = await cli(gb, "quota", "set", "traffic", "tokens_per_day", "6000", "--by", "kim.minsu")

        granted = await send(gb.url, "/role kim.minsu admin", user="park.jiyoung")
        listed = await send(gb.url, "/role list", user="kim.minsu")
        in_chat = await send(gb.url, "/quota set tokens_per_day 5000", user="kim.minsu")
        on_cli = await cli(gb, "quota", "set", "traffic", "tokens_per_day", "7000", "--by", "kim.minsu")
        limits = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}

        await send(gb.url, "/role kim.minsu editor", user="park.jiyoung")
        after = await send(gb.url, "/quota set tokens_per_day 1", user="kim.minsu")
        cli_after = await cli(gb, "quota", "set", "traffic", "tokens_per_day", "1", "--by", "kim.minsu")

    assert before.reply["kind"] == "error" and "관리자" in before.text
    assert cli_before.exit_code != 0 and "관리자가 아닙니다" in cli_before.output
    assert "admin" in granted.text and granted.reply["kind"] != "error"
    assert "admin" in listed.text, listed.text  # the grant is what /role shows ...
    assert in_chat.reply["kind"] != "error", in_chat.text  # ... and what /quota obeys
    assert on_cli.exit_code == 0, on_cli.output  # ... and the CLI
    assert limits["tokens_per_day"] == 7000
    assert after.reply["kind"] == "error" and cli_after.exit_code != 0, (after.text, cli_after.output)


async def test_an_app_yaml_admin_cannot_be_demoted_by_a_run_time_grant(start_govbot):
    async with start_govbot(offline=True) as gb:
        await send(gb.url, "/role kim.minsu admin", user="park.jiyoung")
        await send(gb.url, "/role park.jiyoung member", user="kim.minsu")
        still = await send(gb.url, "/quota set tokens_per_day 5000", user="park.jiyoung")
    assert still.reply["kind"] != "error", still.text


async def test_an_office_admin_may_change_any_departments_quota_on_the_cli(start_govbot):
    # han.sujin is in app.yaml's organisation.admins (and an admin of 민원과 only): the console lets office admins
    # administer every department, and the CLI follows the same rule; a department admin may not cross over.
    async with start_govbot(offline=True) as gb:
        office = await cli(gb, "quota", "set", "traffic", "tokens_per_day", "8000", "--by", "han.sujin")
        other = await cli(gb, "quota", "set", "traffic", "tokens_per_day", "9000", "--by", "choi.hyunwoo")
        limits = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}
    assert office.exit_code == 0, office.output
    assert other.exit_code != 0 and "관리자가 아닙니다" in other.output
    assert limits["tokens_per_day"] == 8000


async def test_an_official_granted_admin_in_chat_may_grant_roles_with_role_and_change_quotas_on_the_console(
    start_govbot,
):
    # The two surfaces the first test does not cover: /role itself and the console's forms (not only its pages).
    async with start_govbot(offline=True) as gb:
        refused = await send(gb.url, "/role lee.seoyeon editor", user="kim.minsu")  # kim is an editor in app.yaml
        await send(gb.url, "/role kim.minsu admin", user="park.jiyoung")
        granted = await send(gb.url, "/role lee.seoyeon editor", user="kim.minsu")
        lee = await send(gb.url, "/role", user="lee.seoyeon")
        kim = Browser(gb.url, "kim.minsu")
        try:
            page = await kim.get("/admin/d/traffic/quotas")
            posted = await kim.post(
                "/admin/d/traffic/quotas",
                {"action": "set", "limit": "tokens_per_day", "value": "4321", "csrf": csrf_of(page)},
            )
        finally:
            await kim.close()
        limits = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}
        role_of_lee = await gb.runtime.store.roles.get("traffic", "lee.seoyeon")
    assert refused.reply is not None and refused.reply["kind"] == "error"
    assert granted.reply is not None and granted.reply["kind"] != "error", granted.text
    assert role_of_lee == "editor" and "editor" in lee.text
    assert page.status == 200 and posted.status == 200
    assert limits["tokens_per_day"] == 4321
