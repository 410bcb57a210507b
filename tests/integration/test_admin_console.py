"""The admin console (/admin) as admins use it, through HTTP against a running `govbot serve`: who gets in, what
each admin sees, forms that only this session's pages can post, and changes that the chat obeys at once.

People from the shipped app.yaml: han.sujin is an office admin (organisation.admins) and the civil department's
admin; park.jiyoung is the traffic department's admin; kim.minsu a traffic editor; lee.seoyeon a traffic member.
"""

from __future__ import annotations

import asyncio
import json
import re
from dataclasses import dataclass
from datetime import datetime

import aiohttp
from sqlalchemy import text

from tests.integration.test_assistant_authoring import create_by_dialogue
from tests.integration.test_audit import records
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


def chart_of(text: str) -> dict:
    """The numbers a usage page hands to its charts (the JSON block admin.js reads)."""
    match = re.search(r'<script type="application/json" id="chart-data">(.*?)</script>', text, re.S)
    assert match, text[:500]
    return json.loads(match.group(1))


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


async def test_a_chosen_range_shows_that_periods_usage_and_its_csv_and_a_bad_range_says_what_to_type(start_govbot):
    async with start_govbot() as gb:
        await send(gb.url, "주정차 단속 민원 답변 초안을 써 주세요", user="kim.minsu")
        admin = Browser(gb.url, "park.jiyoung")
        try:
            today = (await admin.get("/admin/d/traffic?period=today")).text
            local = datetime.now(gb.runtime.config.zone).date()
            year_ago = local.replace(year=local.year - 1).isoformat()
            empty = (await admin.get(f"/admin/d/traffic?period=range&from={year_ago}&to={year_ago}")).text
            csv_today = await admin.get("/admin/usage.csv?by=user&department=traffic&period=today")
            bad = await admin.get("/admin/d/traffic?period=range&from=어제&to=2026-11-30")
        finally:
            await admin.close()
    chart = chart_of(today)
    assert chart["labels"] == [local.strftime("%m-%d")] and chart["datasets"][0]["label"] == "교통행정과"
    assert chart["datasets"][0]["data"][0] > 0  # today's bar holds kim's call
    assert "kim.minsu" in today and "개인 하루 토큰 한도" in today  # the department's own admin sees personal bars
    assert chart_of(empty)["datasets"][0]["data"] == [0]  # a day a year ago: nothing used
    assert csv_today.status == 200 and "kim.minsu" in csv_today.text and local.isoformat() in csv_today.text
    assert bad.status == 200 and "2026-11-01처럼 쓰세요" in bad.text  # this month is shown instead


async def test_a_personal_limit_set_on_the_console_refuses_that_officials_next_request(start_govbot):
    async with start_govbot() as gb:
        await send(gb.url, "회의록을 요약해 주세요", user="kim.minsu")
        admin = Browser(gb.url, "park.jiyoung")
        try:
            page = await admin.get("/admin/d/traffic/quotas")
            changed = await admin.post(
                "/admin/d/traffic/quotas",
                {"action": "set", "limit": "user_tokens_per_day", "value": "1", "csrf": csrf_of(page)},
            )
            usage = await admin.get("/admin/d/traffic")
        finally:
            await admin.close()
        refused = await send(gb.url, "회의록을 다시 요약해 주세요", user="kim.minsu", thread="t2")
        chat = await send(gb.url, "/quota", user="park.jiyoung", thread="t3")
    assert changed.status == 200 and "개인 하루 토큰 한도" in changed.text
    assert 'id="user-kim.minsu"' in usage.text and "state-full" in usage.text
    assert refused.reply is not None and refused.reply["kind"] == "refusal", refused.text
    assert "개인 하루 토큰 한도(1)" in refused.text
    assert chat.reply is not None  # the chat command reads the same override


async def test_the_audit_page_filters_without_content_names_the_first_broken_record_and_exports_csv(start_govbot):
    phone = "010-9876-5432"
    async with start_govbot() as gb:
        await send(gb.url, "주정차 단속 민원 답변 초안을 써 주세요", user="kim.minsu")
        await send(gb.url, f"민원인 연락처 {phone}로 회신 문구를 써 주세요", user="lee.seoyeon", thread="t2")
        await send(gb.url, "보도자료 제목을 지어 주세요", user="jung.eunji", thread="t3")
        traffic, office = Browser(gb.url, "park.jiyoung"), Browser(gb.url, "han.sujin")
        try:
            intact = await traffic.get("/admin/audit")
            found = await traffic.get("/admin/audit?finding=phone")
            by_user = await traffic.get("/admin/audit?user=kim.minsu")
            csv_all = await traffic.get("/admin/audit.csv?period=today")
            foreign = await traffic.get("/admin/audit?department=pr")
            office_list = await office.get("/admin/audit?department=traffic")
            office_user = await office.get("/admin/audit?user=kim.minsu")
            caught = await traffic.get("/admin/caught")
            async with gb.runtime.store.engine.begin() as connection:
                await connection.execute(text("UPDATE audit_log SET completion_tokens = 1 WHERE seq = 2"))
            # the page checks only records written since its last verification (through record 3): the edit of an
            # older record is found by the full verification, which a department admin may not start
            unnoticed = await office.get("/admin/audit")
            token = csrf_of(await traffic.get("/admin/d/traffic/quotas"))
            not_theirs = await traffic.post("/admin/audit/verify", {"csrf": token})
            no_token = await office.post("/admin/audit/verify", {})
            started = await office.post("/admin/audit/verify", {"csrf": csrf_of(unnoticed)})
            for _ in range(100):
                broken = await office.get("/admin/audit")
                if "전체 검증 중" not in broken.text:
                    break
                await asyncio.sleep(0.05)
        finally:
            await traffic.close()
            await office.close()
    assert intact.status == 200 and "기록 3번까지 검증했습니다" in intact.text
    rows = re.findall(r'<tr class="decision-', intact.text)
    assert len(rows) == 2 and "jung.eunji" not in intact.text  # traffic's admin sees traffic's two calls only
    assert phone not in intact.text and "회신 문구" not in intact.text  # never content
    assert "전화번호 ×1" in found.text and len(re.findall(r'<tr class="decision-', found.text)) == 1
    # the finding filter is a select of the known types (PII and the lexicon's categories), under its own legend
    assert '<option value="phone" selected>전화번호 (phone)</option>' in found.text
    assert (
        '<option value="prohibited_word_profanity">' in intact.text and "<legend>감사 기록 찾기</legend>" in intact.text
    )
    assert "kim.minsu" in by_user.text and "lee.seoyeon" not in by_user.text
    assert csv_all.status == 200 and csv_all.text.count("\n") == 3 and "phone=1" in csv_all.text
    assert phone not in csv_all.text and "content" not in csv_all.text
    assert foreign.status == 403
    # the office admin is not traffic's admin: the calls are listed, the user ids are not, and a user search finds none
    assert "kim.minsu" not in office_list.text and "•••" in office_list.text
    assert "조건에 맞는 기록이 없습니다" in office_user.text
    assert caught.status == 200 and 'data-finding="phone"' in caught.text
    assert "기록 3번까지 검증했습니다" in unnoticed.text and "마지막 전체 검증:" in unnoticed.text
    assert not_theirs.status == 403 and no_token.status == 403 and started.status == 200
    assert 'action="/admin/audit/verify"' not in intact.text and 'action="/admin/audit/verify"' in unnoticed.text
    assert "손상되었습니다: 처음 문제가 있는 기록은 2번" in broken.text and "chain-broken" in broken.text


async def test_assistants_are_listed_compared_between_versions_and_a_disabled_one_is_refused_in_chat(
    start_govbot, fake_openai
):
    name = "주차 민원 답변"
    async with start_govbot() as gb:
        await create_by_dialogue(gb.url, fake_openai)  # kim.minsu, traffic editor: version 1
        await send(gb.url, f"/assistant publish {name}")
        await send(gb.url, f"/assistant edit {name}\nstyle_guide: 문장은 짧게 씁니다.")  # version 2, a draft
        await send(gb.url, f"/use {name}", user="lee.seoyeon", thread="use")
        await send(gb.url, "킥보드 방치 민원 회신문을 써 줘", user="lee.seoyeon", thread="use")
        admin, other = Browser(gb.url, "park.jiyoung"), Browser(gb.url, "han.sujin")
        try:
            listing = await admin.get("/admin/d/traffic/assistants")
            assistant_id = re.search(r'id="assistant-([a-z0-9_-]+)"', listing.text).group(1)  # type: ignore[union-attr]
            path = f"/admin/d/traffic/assistants/{assistant_id}"
            history = await admin.get(path)
            foreign = await other.get(f"/admin/d/pr/assistants/{assistant_id}")  # not pr's assistant
            asked = await admin.post(path, {"action": "disable", "csrf": csrf_of(listing)})
            still = await send(gb.url, "한 번 더 써 줘", user="lee.seoyeon", thread="use")
            done = await admin.post(path, {"action": "disable", "csrf": csrf_of(listing), "confirmed": "yes"})
            refused = await send(gb.url, "한 번 더 써 줘", user="lee.seoyeon", thread="use")
            named = await send(gb.url, f"{name}: 주차장 부족 민원 회신문", user="lee.seoyeon", thread="n")
            use = await send(gb.url, f"/use {name}", user="lee.seoyeon", thread="u2")
            listed = await send(gb.url, "/assistants", user="lee.seoyeon", thread="u3")
            enabled = await admin.post(path, {"action": "enable", "csrf": csrf_of(listing)})
            again = await send(gb.url, "한 번 더 써 줘", user="lee.seoyeon", thread="use")
            switches = [
                (r.decision, r.user_id, r.platform, json.loads(r.content or "{}"))
                for r in await records(gb.runtime)
                if r.decision in ("assistant_off", "assistant_on")
            ]
        finally:
            await admin.close()
            await other.close()
    assert switches == [  # the switch is in the signed audit chain, once each way (the unconfirmed post wrote nothing)
        (
            "assistant_off",
            "park.jiyoung",
            "admin",
            {"target": {"assistant": assistant_id}, "before": "enabled", "after": "disabled"},
        ),
        (
            "assistant_on",
            "park.jiyoung",
            "admin",
            {"target": {"assistant": assistant_id}, "before": "disabled", "after": "enabled"},
        ),
    ]
    row = re.search(rf'<tr id="assistant-{assistant_id}".*?</tr>', listing.text, re.S)
    assert row is not None
    cells = re.sub(r"<[^>]+>", "|", row.group(0))
    assert name in cells and "부서 안" in cells and "kim.minsu" in cells and "사용 중" in cells
    assert re.search(r'data-value="2">2<', row.group(0)) and re.search(r'data-value="1">1<', row.group(0))
    assert 'class="diff-added">+ style_guide: 문장은 짧게 씁니다.' in history.text and "버전 기록" in history.text
    assert foreign.status == 403
    assert "확인해 주세요" in asked.text and still.reply["kind"] == "answer"  # asking changed nothing
    assert done.status == 200 and "사용을 중지했습니다" in done.text and "status-disabled" in done.text
    for reply in (refused, named, use):
        assert reply.reply["kind"] == "refusal" and "관리자가 사용을 중지했습니다" in reply.text, reply.text
    assert name not in listed.text
    assert enabled.status == 200 and "다시 쓸 수 있습니다" in enabled.text and again.reply["kind"] == "answer"


async def test_an_office_admin_switches_an_official_assistant_off_and_chat_refuses_it_like_a_department_one(
    start_govbot,
):
    async with start_govbot() as gb:
        office, department = Browser(gb.url, "han.sujin"), Browser(gb.url, "park.jiyoung")
        try:
            listing = await office.get("/admin/d/traffic/assistants")
            theirs = await department.get("/admin/d/traffic/assistants")
            path = "/admin/d/traffic/official/minutes"
            token = csrf_of(await department.get("/admin/d/traffic/quotas"))
            refused_post = await department.post(path, {"action": "disable", "csrf": token})
            no_token = await office.post(path, {"action": "disable", "confirmed": "yes"})
            asked = await office.post(path, {"action": "disable", "csrf": csrf_of(listing)})
            done = await office.post(path, {"action": "disable", "csrf": csrf_of(listing), "confirmed": "yes"})
            named = await send(gb.url, "회의록 정리: 오늘 회의 내용을 정리해 주세요", user="kim.minsu", thread="n")
            use = await send(gb.url, "/use 회의록 정리", user="jung.eunji", thread="u")
            enabled = await office.post(path, {"action": "enable", "csrf": csrf_of(listing)})
            again = await send(gb.url, "/use 회의록 정리", user="jung.eunji", thread="u2")
            switches = [
                (r.decision, r.user_id, r.department_id, json.loads(r.content or "{}"))
                for r in await records(gb.runtime)
                if r.decision in ("assistant_off", "assistant_on")
            ]
            chain = await office.get("/admin/audit")
        finally:
            await office.close()
            await department.close()
    assert 'id="official-minutes"' in listing.text and "공식 도우미" in listing.text
    assert 'id="official-minutes"' not in theirs.text  # a department admin does not switch office-wide assistants
    assert refused_post.status == 403 and no_token.status == 403
    assert "기관 전체에서 중지할까요" in asked.text
    assert done.status == 200 and "회의록 정리&#39; 도우미의 사용을 중지했습니다" in done.text
    assert re.search(r'<tr id="official-minutes" class="status-disabled">', done.text)
    for reply in (named, use):  # the same message as a department assistant an admin disabled
        assert reply.reply is not None and reply.reply["kind"] == "refusal", reply.text
        assert "'회의록 정리' 도우미는 관리자가 사용을 중지했습니다" in reply.text
    assert enabled.status == 200 and again.reply is not None and again.reply["kind"] != "refusal", again.text
    assert switches == [  # in the signed chain once each way; the refused and unconfirmed posts wrote nothing
        ("assistant_off", "han.sujin", "", {"target": {"assistant": "minutes", "official": True}, **OFF}),
        ("assistant_on", "han.sujin", "", {"target": {"assistant": "minutes", "official": True}, **ON}),
    ]
    assert "chain-ok" in chain.text


OFF = {"before": "enabled", "after": "disabled"}
ON = {"before": "disabled", "after": "enabled"}
