"""Two real govbot processes share one budget (small N here; benchmarks/quota_concurrency.py runs large N)."""

from __future__ import annotations

from tests.support.quota_race import race


async def test_two_govbot_processes_serve_exactly_the_budget(database, tmp_path):
    url, schema = database
    result = await race(tmp_path, url, schema, budget_requests=5, per_process=12)
    assert result.attempted == 24
    assert (result.served, result.refused, result.other_errors) == (5, 19, 0)
    assert result.upstream_calls == 5 and result.requests_counted == 5
    assert result.tokens_used == 5 * 18
