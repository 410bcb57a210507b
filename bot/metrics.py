"""What an office's Prometheus scrapes from each govbot process: calls, tokens, latency, what the policies
caught, quota refusals and provider failures.

One registry per Runtime (never prometheus-client's global one), so two runtimes in one process (tests, the
CLI beside a server) count separately. Labels are bounded: departments and model aliases come from app.yaml,
decisions and finding types from fixed vocabularies; user ids and content never become labels.
"""

from __future__ import annotations

import hmac
import ipaddress
from collections.abc import Sequence

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

# Seconds: a relay that answers in tens of milliseconds up to a long model answer.
LATENCY_BUCKETS = (0.05, 0.1, 0.25, 0.5, 1, 2, 5, 10, 20, 40, 80)

__all__ = ["CONTENT_TYPE_LATEST", "GatewayMetrics", "may_scrape"]


class GatewayMetrics:
    """The series of one process; `exposition()` is the /metrics body."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        self.calls = Counter(
            "govbot_gateway_calls",
            "Model calls through the gateway by outcome (decision: allowed, masked, blocked, refused_quota, failed, "
            "interrupted)",
            ("department", "purpose", "decision"),
            registry=self.registry,
        )
        self.tokens = Counter(
            "govbot_gateway_tokens",
            "Tokens billed for answered calls (kind: prompt or completion)",
            ("department", "model", "kind"),
            registry=self.registry,
        )
        self.latency = Histogram(
            "govbot_gateway_call_seconds",
            "Time from the call entering the gateway until its answer ended or it was refused",
            ("decision",),
            buckets=LATENCY_BUCKETS,
            registry=self.registry,
        )
        self.findings = Counter(
            "govbot_policy_findings",
            "Personal information and prohibited words the gateway found, by type (never the values)",
            ("department", "type"),
            registry=self.registry,
        )
        self.refusals = Counter(
            "govbot_gateway_refusals",
            "Calls refused before any model saw them, by reason code (quota_exceeded, policy_blocked, "
            "not_authorised, model_not_allowed, ...)",
            ("department", "code"),
            registry=self.registry,
        )
        self.provider_failures = Counter(
            "govbot_provider_failures",
            "Failed provider attempts (each retry or fail-over counts), by provider and kind of failure",
            ("provider", "reason"),
            registry=self.registry,
        )
        self.failovers = Counter(
            "govbot_provider_failovers",
            "Calls answered after at least one failed provider attempt",
            ("department",),
            registry=self.registry,
        )

    def exposition(self) -> bytes:
        return generate_latest(self.registry)


def may_scrape(peer: str | None, authorization: str | None, token: str | None, allow: Sequence[str]) -> bool:
    """The scraper sent the configured bearer token, or connects from an allowed network (the TCP peer, never a
    forwarded header: the series show departments' usage)."""
    presented = (authorization or "").removeprefix("Bearer ")
    if token and presented != (authorization or "") and hmac.compare_digest(presented.encode(), token.encode()):
        return True
    try:
        address = ipaddress.ip_address(peer or "")
    except ValueError:
        return False
    return any(address in ipaddress.ip_network(network, strict=False) for network in allow)
