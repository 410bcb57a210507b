"""The admin console (/admin) as admins use it, through HTTP against a running `govbot serve`: who gets in, what
each admin sees, forms that only this session's pages can post, and changes that the chat obeys at once.

People from the shipped app.yaml: han.sujin is an office admin (organisation.admins) and the civil department's
admin; park.jiyoung is the traffic department's admin; kim.minsu a traffic editor; lee.seoyeon a traffic member.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import aiohttp

from tests.integration.webchat import send


@dataclass
class Page:
    status: int
    text: str
    headers: dict[str, str]


class Browser:
    """Keeps cookies like a browser and sends the portal's identity header on every request."""

    def __init__(self, base_url: str, user: str | None):
        self.base = base_url
        self.headers = {"X-Forwarded-User": user} if user else {}
        self.session = aiohttp.ClientSession(cookie_jar=aiohttp.CookieJar(unsafe=True))

    async def get(self, path: str) -> Page:
        async with self.session.get(self.base + path, headers=self.headers) as response:
            return Page(response.status, await response.text(), dict(response.headers))

    async def post(self, path: str, form: dict[str, str], *, origin: str | None = "self") -> Page:
        headers = dict(self.headers)
        if origin is not None:
            headers["Origin"] = self.base if origin == "self" else origin
        async with self.session.post(self.base + path, data=form, headers=headers) as response:
            return Page(response.status, await response.text(), dict(response.headers))

    async def close(self) -> None:
        await self.session.close()


def csrf_of(page: Page) -> str:
    match = re.search(r'name="csrf" value="([0-9a-f]+)"', page.text)
    assert match, page.text[:500]
    return match.group(1)


async def test_an_office_admin_sees_every_department_and_a_department_admin_only_their_own(start_govbot):
    async with start_govbot() as gb:
        await send(gb.url, "주정차 단속 민원 답변 초안을 써 주세요", user="kim.minsu")  # traffic uses something
        office, traffic = Browser(gb.url, "han.sujin"), Browser(gb.url, "park.jiyoung")
        try:
            overview = await office.get("/admin")
            other = await office.get("/admin/d/traffic")
            own = await traffic.get("/admin")
            own_page = await traffic.get("/admin/d/traffic")
            foreign = await traffic.get("/admin/d/pr")
            foreign_keys = await traffic.get("/admin/d/pr/keys")
            foreign_csv = await traffic.get("/admin/usage.csv?by=department&department=pr")
            csv_own = await traffic.get("/admin/usage.csv?by=user&department=traffic")
        finally:
            await office.close()
            await traffic.close()
    assert overview.status == 200
    for name in ("교통행정과", "홍보담당관", "민원여권과", "도로과"):
        assert name in overview.text, name
    assert 'id="dept-traffic"' in overview.text and 'id="dept-pr"' in overview.text
    # the office admin is not traffic's admin: assistants yes, user ids no
    assert other.status == 200 and "kim.minsu" not in other.text and "사용자별 사용량은" in other.text
    assert own.status == 200 and 'id="dept-traffic"' in own.text and 'id="dept-pr"' not in own.text
    assert own_page.status == 200 and "kim.minsu" in own_page.text  # traffic's own admin sees its users
    assert foreign.status == 403 and "권한이 없습니다" in foreign.text and "Access denied" not in foreign.text
    assert foreign_keys.status == 403 and foreign_csv.status == 403
    assert csv_own.status == 200 and csv_own.headers["Content-Type"].startswith("text/csv")
    assert "kim.minsu" in csv_own.text and "이번 달 토큰" in csv_own.text


async def test_a_non_admin_and_an_unknown_official_get_403_in_korean_or_english(start_govbot):
    async with start_govbot(offline=True) as gb:
        member, stranger = Browser(gb.url, "lee.seoyeon"), Browser(gb.url, "nobody.here")
        anonymous = Browser(gb.url, None)
        try:
            ko = await member.get("/admin")
            en = await member.get("/admin?lang=en")
            unknown = await stranger.get("/admin/d/traffic")
            post = await member.post(
                "/admin/d/traffic/quotas", {"action": "set", "limit": "tokens_per_day", "value": "1"}
            )
            nobody = await anonymous.get("/admin")
            limits = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}
        finally:
            for browser in (member, stranger, anonymous):
                await browser.close()
    assert ko.status == 403 and "관리 화면은 부서 관리자와 기관 관리자만" in ko.text
    assert en.status == 403 and "for department and office admins only" in en.text
    assert unknown.status == 403 and post.status == 403
    assert limits["tokens_per_day"] == 200000  # the refused post changed nothing
    assert nobody.status in (401, 403)


async def test_a_form_without_the_csrf_token_or_from_another_site_is_refused_and_changes_nothing(start_govbot):
    async with start_govbot(offline=True) as gb:
        admin = Browser(gb.url, "park.jiyoung")
        try:
            token = csrf_of(await admin.get("/admin/d/traffic/quotas"))
            form = {"action": "set", "limit": "tokens_per_day", "value": "10"}
            without = await admin.post("/admin/d/traffic/quotas", form)
            wrong = await admin.post("/admin/d/traffic/quotas", {**form, "csrf": "0" * 64})
            foreign = await admin.post("/admin/d/traffic/quotas", {**form, "csrf": token}, origin="http://evil.example")
            no_origin = await admin.post("/admin/d/traffic/quotas", {**form, "csrf": token}, origin=None)
            role = await admin.post("/admin/d/traffic/roles", {"user": "lee.seoyeon", "role": "admin"})
            key = await admin.post("/admin/d/traffic/keys", {"action": "create", "name": "외부"})
            limits = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}
            granted = await gb.runtime.store.roles.get("traffic", "lee.seoyeon")
            keys = await gb.runtime.store.keys.list("traffic")
            accepted = await admin.post("/admin/d/traffic/quotas", {**form, "csrf": token})
            after = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}
        finally:
            await admin.close()
    for refused in (without, wrong, foreign, no_origin, role, key):
        assert refused.status == 403 and "아무것도 바뀌지 않았습니다" in refused.text
    assert limits["tokens_per_day"] == 200000 and granted is None and keys == []
    assert accepted.status == 200 and after["tokens_per_day"] == 10  # the same form with its token goes through


async def test_lowering_a_quota_on_the_console_refuses_the_departments_next_chat_request(start_govbot):
    async with start_govbot() as gb:
        first = await send(gb.url, "회의록을 요약해 주세요", user="kim.minsu")
        office = Browser(gb.url, "han.sujin")
        try:
            page = await office.get("/admin/d/traffic/quotas")
            changed = await office.post(
                "/admin/d/traffic/quotas",
                {"action": "set", "limit": "tokens_per_day", "value": "1", "csrf": csrf_of(page)},
            )
            bars = await office.get("/admin/d/traffic")
        finally:
            await office.close()
        refused = await send(gb.url, "회의록을 다시 요약해 주세요", user="lee.seoyeon", thread="t2")
        other = await send(gb.url, "보도자료 제목을 지어 주세요", user="jung.eunji", thread="t3")
    assert first.reply is not None and first.reply["kind"] != "error", first.text
    assert changed.status == 200 and "교통행정과" in changed.text and "1" in changed.text
    assert "한도 도달" in bars.text and "state-full" in bars.text  # used is far above the new limit of 1
    assert refused.reply is not None and refused.reply["kind"] == "refusal", refused.text
    assert "교통행정과의 부서 하루 토큰 한도(1)에 도달해" in refused.text
    assert other.reply is not None and other.reply["kind"] not in ("error", "refusal"), other.text  # pr is untouched


async def test_a_role_granted_in_chat_lets_that_official_into_the_console_and_a_revoke_needs_confirmation(start_govbot):
    async with start_govbot(offline=True) as gb:
        kim = Browser(gb.url, "kim.minsu")
        boss = Browser(gb.url, "park.jiyoung")
        try:
            before = await kim.get("/admin")
            await send(gb.url, "/role kim.minsu admin", user="park.jiyoung")
            after = await kim.get("/admin/d/traffic/roles")
            page = await boss.get("/admin/d/traffic/roles")
            asked = await boss.post(
                "/admin/d/traffic/roles", {"user": "kim.minsu", "role": "reset", "csrf": csrf_of(page)}
            )
            still = await kim.get("/admin")
            confirmed = await boss.post(
                "/admin/d/traffic/roles",
                {"user": "kim.minsu", "role": "reset", "csrf": csrf_of(page), "confirmed": "yes"},
            )
            gone = await kim.get("/admin")
            chat = await send(gb.url, "/quota set tokens_per_day 5000", user="kim.minsu")
        finally:
            await kim.close()
            await boss.close()
    assert before.status == 403
    assert after.status == 200 and "park.jiyoung" in after.text  # the grant shows who made it
    assert asked.status == 200 and "확인해 주세요" in asked.text and still.status == 200  # not yet revoked
    assert confirmed.status == 200 and gone.status == 403
    assert chat.reply is not None and chat.reply["kind"] == "error"  # the revoke holds in chat too


async def test_a_role_granted_on_the_console_holds_in_chat(start_govbot):
    async with start_govbot(offline=True) as gb:
        boss = Browser(gb.url, "park.jiyoung")
        try:
            page = await boss.get("/admin/d/traffic/roles")
            await boss.post("/admin/d/traffic/roles", {"user": "lee.seoyeon", "role": "admin", "csrf": csrf_of(page)})
        finally:
            await boss.close()
        listed = await send(gb.url, "/role list", user="park.jiyoung")
        chat = await send(gb.url, "/quota set tokens_per_day 5000", user="lee.seoyeon")
    assert "lee.seoyeon" in listed.shown and "park.jiyoung" in listed.shown
    assert chat.reply is not None and chat.reply["kind"] != "error", chat.text


async def test_a_key_is_shown_once_listed_by_prefix_and_revoked_after_confirmation(start_govbot):
    async with start_govbot(offline=True) as gb:
        admin = Browser(gb.url, "park.jiyoung")
        try:
            page = await admin.get("/admin/d/traffic/keys")
            token = csrf_of(page)
            created = await admin.post(
                "/admin/d/traffic/keys", {"action": "create", "name": "민원 시스템", "csrf": token}
            )
            key = re.search(r'<code id="new-key">(gbk_[^<]+)</code>', created.text)
            listing = await admin.get("/admin/d/traffic/keys")
            assert key is not None
            prefix = key.group(1)[:12]
            asked = await admin.post("/admin/d/traffic/keys", {"action": "revoke", "prefix": prefix, "csrf": token})
            before = await gb.runtime.store.keys.authenticate(key.group(1))
            done = await admin.post(
                "/admin/d/traffic/keys", {"action": "revoke", "prefix": prefix, "csrf": token, "confirmed": "yes"}
            )
            after = await gb.runtime.store.keys.authenticate(key.group(1))
        finally:
            await admin.close()
    assert key.group(1) not in listing.text and prefix in listing.text and "민원 시스템" in listing.text
    assert "확인해 주세요" in asked.text and before is not None  # asking changed nothing
    assert done.status == 200 and "폐기했습니다" in done.text and after is None
