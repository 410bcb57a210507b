"""The admin console in a real browser: Debian's chromium (headless) driven by Playwright, against a running govbot.

Identity is the portal's header, exactly as the web chat receives it behind the intranet proxy. `make test` installs
chromium with apt-get when it is missing (the `browser` step); where it cannot, these tests skip and say why.
Screenshots of the main pages go to tests/artifacts/console/ (not committed; docs/ holds two chosen ones).
"""

from __future__ import annotations

import importlib.util
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.integration.webchat import send

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[1] / "artifacts" / "console"

if not CHROMIUM.exists():
    pytest.skip(
        f"Debian's chromium is not at {CHROMIUM}: run `make test` as root (it apt-get installs it) to run these",
        allow_module_level=True,
    )
if importlib.util.find_spec("playwright") is None:
    pytest.skip("playwright is not installed: pip install -e '.[dev]'", allow_module_level=True)

from playwright.async_api import Browser, Page, async_playwright  # noqa: E402


@asynccontextmanager
async def chromium() -> AsyncIterator[Browser]:
    async with async_playwright() as playwright:
        browser = await playwright.chromium.launch(executable_path=str(CHROMIUM), headless=True)
        try:
            yield browser
        finally:
            await browser.close()


@asynccontextmanager
async def signed_in(browser: Browser, user: str, **options: Any) -> AsyncIterator[Page]:
    """A browser tab of `user` as the portal sends them (X-Forwarded-User on every request)."""
    context = await browser.new_context(extra_http_headers={"X-Forwarded-User": user}, locale="ko-KR", **options)
    try:
        yield await context.new_page()
    finally:
        await context.close()


async def shot(page: Page, name: str) -> None:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    await page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)


async def test_an_office_admin_sees_the_chart_lowers_a_quota_and_the_departments_next_chat_is_refused(start_govbot):
    async with start_govbot() as gb:
        first = await send(gb.url, "주정차 단속 민원 답변 초안을 써 주세요", user="kim.minsu")
        await send(gb.url, "보도자료 제목을 지어 주세요", user="jung.eunji", thread="p1")
        await send(gb.url, "민원인 010-9876-5432 님께 보낼 회신 문구를 써 주세요", user="kim.minsu", thread="t4")
        async with chromium() as browser, signed_in(browser, "han.sujin") as page:
            overview = await page.goto(gb.url + "/admin")
            assert overview is not None and overview.status == 200
            await page.wait_for_selector("#chart-daily[data-drawn=yes]")
            await page.wait_for_selector("#chart-share[data-drawn=yes]")
            await shot(page, "overview")

            usage = await page.goto(gb.url + "/admin/d/traffic")
            assert usage is not None and usage.status == 200
            await page.wait_for_selector("#chart-daily[data-drawn=yes]")
            drawn = await page.evaluate(
                "() => { const c = Chart.getChart('chart-daily'); return c.data.datasets[0].data.reduce((a, b) => a + b, 0) }"
            )
            await shot(page, "department-usage")

            await page.goto(gb.url + "/admin/audit")
            chain = await page.inner_text("#chain-status")
            await page.click("#chain-status button[type=submit]")  # 전체 검증: runs in the background
            await page.wait_for_selector("#chain-status.chain-ok form button", timeout=20000)  # back when done
            full_check = await page.inner_text("#full-check")
            await shot(page, "audit")
            await page.goto(gb.url + "/admin/caught")
            await shot(page, "caught")

            await page.goto(gb.url + "/admin/d/traffic/quotas")
            await page.select_option("#form-set select[name=limit]", "tokens_per_day")
            await page.fill("#form-set input[name=value]", "1")
            await page.click("#form-set button[type=submit]")
            await page.wait_for_selector(".notice.ok")
            notice = await page.inner_text(".notice.ok")
            full = await page.locator(".bar-item.state-full[data-limit=tokens_per_day]").count()
            await shot(page, "quotas-after-lowering")
        refused = await send(gb.url, "회의록을 요약해 주세요", user="lee.seoyeon", thread="t2")
    assert first.reply is not None and first.reply["kind"] != "error", first.text
    assert drawn > 0  # the traffic bars hold the tokens kim's question used
    assert "체인이 온전합니다: 기록 3번까지 검증했습니다" in chain and "마지막 전체 검증:" in full_check
    assert "교통행정과" in notice and full == 1
    assert refused.reply is not None and refused.reply["kind"] == "refusal", refused.text
    assert "교통행정과의 부서 하루 토큰 한도(1)에 도달해" in refused.text


async def test_a_department_admin_cannot_open_another_department_and_a_member_gets_403(start_govbot):
    async with start_govbot(offline=True) as gb, chromium() as browser:
        async with signed_in(browser, "park.jiyoung") as page:
            own = await page.goto(gb.url + "/admin/d/traffic")
            foreign = await page.goto(gb.url + "/admin/d/pr")
            foreign_text = await page.inner_text("main")
            await shot(page, "refused-other-department")
        async with signed_in(browser, "lee.seoyeon") as page:
            member = await page.goto(gb.url + "/admin")
            member_text = await page.inner_text("body")
    assert own is not None and own.status == 200
    assert foreign is not None and foreign.status == 403 and "권한이 없습니다" in foreign_text
    assert member is not None and member.status == 403 and "관리 화면은 부서 관리자와 기관 관리자만" in member_text


async def test_a_form_submitted_without_its_csrf_token_is_refused_and_changes_nothing(start_govbot):
    async with start_govbot(offline=True) as gb, chromium() as browser, signed_in(browser, "park.jiyoung") as page:
        await page.goto(gb.url + "/admin/d/traffic/quotas")
        await page.evaluate("() => document.querySelector('#form-set input[name=csrf]').remove()")
        await page.fill("#form-set input[name=value]", "10")
        async with page.expect_navigation() as navigation:
            await page.click("#form-set button[type=submit]")
        response = await navigation.value
        text = await page.inner_text("body")
        limits = {s.name: s.value for s in await gb.runtime.bot.services.quota.status("traffic")}
    assert response is not None and response.status == 403 and "아무것도 바뀌지 않았습니다" in text
    assert limits["tokens_per_day"] == 200000


async def test_the_usage_page_is_readable_on_a_phone(start_govbot):
    async with start_govbot() as gb:
        await send(gb.url, "주정차 단속 민원 답변 초안을 써 주세요", user="kim.minsu")
        async with (
            chromium() as browser,
            signed_in(browser, "park.jiyoung", viewport={"width": 390, "height": 844}, is_mobile=True) as page,
        ):
            await page.goto(gb.url + "/admin/d/traffic")
            await page.wait_for_selector("#chart-daily[data-drawn=yes]")
            overflow = await page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            await shot(page, "department-usage-phone")
    assert overflow <= 0  # nothing runs off the side of the screen; wide tables scroll in their own box
