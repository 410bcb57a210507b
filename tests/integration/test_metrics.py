"""/metrics, scraped over HTTP the way an office's Prometheus does: the counters move with chat requests,
refusals, findings and provider failures, and only allowed scrapers get them."""

from __future__ import annotations

import aiohttp
from prometheus_client.parser import text_string_to_metric_families

from tests.conftest import config_for_upstreams
from tests.integration.test_quota import config_with_quota
from tests.integration.webchat import send


async def scrape(base_url: str, headers: dict[str, str] | None = None) -> tuple[int, dict[tuple, float]]:
    """(status, {(sample name, sorted labels): value})."""
    async with aiohttp.ClientSession() as session, session.get(f"{base_url}/metrics", headers=headers) as response:
        body = await response.text()
        if response.status != 200:
            return response.status, {}
        assert response.headers["Content-Type"].startswith("text/plain")
    samples = {}
    for family in text_string_to_metric_families(body):
        for sample in family.samples:
            samples[(sample.name, tuple(sorted(sample.labels.items())))] = sample.value
    return 200, samples


def value(samples: dict[tuple, float], name: str, **labels: str) -> float:
    return samples.get((name, tuple(sorted(labels.items()))), 0.0)


async def test_counters_move_with_answers_refusals_findings_and_provider_failures(start_govbot, fake_openai):
    config = config_with_quota(config_for_upstreams(fake_openai.base_url), requests_per_day=2)
    async with start_govbot(config=config) as gb:
        status, before = await scrape(gb.url)
        fake_openai.fail_with(500)  # the first attempt fails; the retry answers
        fake_openai.reply_with("안내해 드렸습니다.")
        await send(gb.url, "민원인 010-2345-6789에게 회신할 문안을 써 줘")
        await send(gb.url, "두 번째 질문입니다")
        refused = await send(gb.url, "세 번째는 한도를 넘습니다")
        _, after = await scrape(gb.url)

    assert status == 200
    assert value(before, "govbot_gateway_calls_total", department="traffic", purpose="chat", decision="allowed") == 0
    answered = sum(
        value(after, "govbot_gateway_calls_total", department="traffic", purpose="chat", decision=d)
        for d in ("allowed", "masked")
    )
    assert answered == 2, after
    assert "한도" in refused.text
    assert value(after, "govbot_gateway_refusals_total", department="traffic", code="quota_exceeded") == 1
    assert value(after, "govbot_gateway_tokens_total", department="traffic", model="default", kind="completion") > 0
    assert any(name == "govbot_policy_findings_total" and ("department", "traffic") in labels for name, labels in after)
    assert sum(v for (name, _), v in after.items() if name == "govbot_provider_failures_total") == 1
    assert value(after, "govbot_provider_failovers_total", department="traffic") == 1
    assert value(after, "govbot_gateway_call_seconds_count", decision="refused_quota") == 1
    assert not any("010-2345-6789" in str(key) or "kim.minsu" in str(key) for key in after)  # no content, no users


async def test_only_allowed_networks_or_the_bearer_token_may_scrape(start_govbot):
    # Attack: the series show each department's usage; a scraper from outside the allowed networks (here even
    # loopback is not allowed) gets nothing without the token, and a wrong token is not enough.
    async with start_govbot(offline=True, metrics_allow=("10.0.0.0/8",), metrics_token="scrape-secret-1") as gb:
        await send(gb.url, "불법 주정차 민원 처리 절차를 알려 줘")
        outsider, _ = await scrape(gb.url)
        wrong, _ = await scrape(gb.url, {"Authorization": "Bearer scrape-secret-2"})
        with_token, samples = await scrape(gb.url, {"Authorization": "Bearer scrape-secret-1"})
    assert (outsider, wrong, with_token) == (403, 403, 200)
    assert any(name.startswith("govbot_gateway") for name, _ in samples)
