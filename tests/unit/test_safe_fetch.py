"""The SSRF guard's pure checks (allow-list matching, address classification, URL checks) and its resolver."""

from __future__ import annotations

import ipaddress
import socket

import pytest
from aiohttp import web
from hypothesis import given
from hypothesis import strategies as st

from bot.net.safe_fetch import (
    DownloadPolicy,
    DownloadRefused,
    GuardedResolver,
    HostList,
    TooLarge,
    check_url,
    fetch,
    host_matches,
    is_public_address,
    normalize_host,
)
from tests.fakes import serve_on_loopback

TEAMS = DownloadPolicy(allowed=HostList.of(["smba.trafficmanager.net", "*.botframework.com", "*.sharepoint.com"]))
NOT_PUBLIC = [
    "127.0.0.0/8",
    "10.0.0.0/8",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "169.254.0.0/16",  # link-local: cloud metadata at 169.254.169.254
    "100.64.0.0/10",  # carrier-grade NAT
    "0.0.0.0/8",
    "224.0.0.0/4",
    "240.0.0.0/4",
    "::1/128",
    "fc00::/7",
    "fe80::/10",
    "ff00::/8",
]
label = st.from_regex(r"[a-z0-9]([a-z0-9-]{0,10}[a-z0-9])?", fullmatch=True)


def addresses_in(network: str) -> st.SearchStrategy:
    net = ipaddress.ip_network(network)
    return st.integers(0, net.num_addresses - 1).map(lambda i: net[i])


# ---- allow-list matching --------------------------------------------------------------------


@pytest.mark.parametrize(
    ("host", "expected"),
    [
        ("hanbit.sharepoint.com", True),
        ("hanbit-my.sharepoint.com", True),
        ("HANBIT.SharePoint.com.", True),  # case and the root dot do not matter
        ("sharepoint.com", False),  # "*." means a sub-domain
        ("evilsharepoint.com", False),
        ("hanbit.sharepoint.com.evil.test", False),
        ("smba.trafficmanager.net", True),
        ("evil.trafficmanager.net", False),
        ("127.0.0.1", False),
    ],
)
def test_teams_hosts(host, expected):
    assert TEAMS.allowed.matches(host, 443) is expected


def test_a_port_in_a_pattern_limits_it_to_that_port():
    assert host_matches("127.0.0.1", 8080, "127.0.0.1:8080")
    assert not host_matches("127.0.0.1", 8081, "127.0.0.1:8080")
    assert host_matches("127.0.0.1", 8081, "127.0.0.1")
    assert host_matches("::1", 9000, "[::1]:9000") and not host_matches("::1", 9001, "[::1]:9000")
    assert host_matches("0:0::1", 9000, "::1")  # IP literals compare in canonical form


@given(sub=st.lists(label, min_size=1, max_size=3), domain=st.lists(label, min_size=2, max_size=3))
def test_wildcard_matches_exactly_the_sub_domains(sub, domain):
    base = ".".join(domain)
    assert host_matches(".".join(sub) + "." + base, 443, "*." + base)
    assert not host_matches(base, 443, "*." + base)
    assert not host_matches(sub[0] + base, 443, "*." + base)  # "evilsharepoint.com" is not a sub-domain
    assert not host_matches(".".join(sub) + "." + base + ".evil.test", 443, "*." + base)


@given(
    host=st.text(min_size=1, max_size=40)
    | st.builds(
        lambda a, b: f"{a}.{b}", label, st.sampled_from(["sharepoint.com", "botframework.com", "trafficmanager.net"])
    )
)
def test_no_host_outside_the_list_passes(host):
    name = normalize_host(host)

    def under(domain: str) -> bool:
        return name.endswith("." + domain) and len(name) > len(domain) + 1

    expected = name == "smba.trafficmanager.net" or under("sharepoint.com") or under("botframework.com")
    assert TEAMS.allowed.matches(host, 443) is expected


# ---- address classification -----------------------------------------------------------------


@given(data=st.data(), network=st.sampled_from(NOT_PUBLIC))
def test_internal_addresses_are_never_public(data, network):
    address = data.draw(addresses_in(network))
    assert not is_public_address(address)
    if address.version == 4:
        # The same IPv4 address dressed as IPv6 (mapped, 6to4, NAT64) ends up at the same place.
        assert not is_public_address(ipaddress.IPv6Address(f"::ffff:{address}"))
        assert not is_public_address(ipaddress.IPv6Address((0x2002 << 112) | (int(address) << 80)))
        assert not is_public_address(ipaddress.IPv6Address(f"64:ff9b::{address}"))


@given(address=addresses_in("8.0.0.0/8") | addresses_in("2606:4700::/32"))
def test_internet_addresses_are_public(address):
    assert is_public_address(address)


# ---- URL checks ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("url", "reason"),
    [
        ("http://hanbit.sharepoint.com/a.txt", "scheme"),  # platform hosts only over HTTPS
        ("file:///etc/passwd", "scheme"),
        ("https://127.0.0.1/secret.txt", "host"),
        ("https://2130706433/secret.txt", "host"),  # 127.0.0.1 as a decimal number
        ("https://hanbit.sharepoint.com@127.0.0.1/secret.txt", "credentials"),
        ("https://169.254.169.254/latest/meta-data/", "host"),
        ("https://[::ffff:127.0.0.1]/", "host"),
    ],
)
def test_urls_refused(url, reason):
    with pytest.raises(DownloadRefused) as refused:
        check_url(url, TEAMS)
    assert refused.value.reason == reason


def test_an_ip_literal_on_the_platform_list_must_still_be_public():
    policy = DownloadPolicy(allowed=HostList.of(["127.0.0.1", "8.8.8.8"]))
    with pytest.raises(DownloadRefused) as refused:
        check_url("https://127.0.0.1/x", policy)
    assert refused.value.reason == "address"
    assert check_url("https://8.8.8.8/x", policy).host == "8.8.8.8"


def test_onprem_hosts_may_use_http_and_private_addresses():
    policy = DownloadPolicy(allowed=HostList(), onprem=HostList.of(["127.0.0.1:8080", "files.intra.go.kr"]))
    assert check_url("http://127.0.0.1:8080/a.txt", policy).port == 8080
    assert check_url("http://files.intra.go.kr/a.txt", policy).port == 80
    with pytest.raises(DownloadRefused):
        check_url("http://127.0.0.1:8081/a.txt", policy)


# ---- the resolver aiohttp connects with --------------------------------------------------------


class FixedResolver:
    """Answers every name with the given addresses (a DNS server the attacker controls)."""

    def __init__(self, *addresses: str):
        self.addresses = addresses

    async def resolve(self, host, port=0, family=socket.AF_INET):
        return [
            {"hostname": host, "host": a, "port": port, "family": socket.AF_INET, "proto": 0, "flags": 0}
            for a in self.addresses
        ]

    async def close(self):
        return None


async def test_a_platform_name_resolving_to_any_internal_address_is_refused():
    resolver = GuardedResolver(TEAMS, FixedResolver("20.190.1.1", "127.0.0.1"))  # type: ignore[arg-type]
    with pytest.raises(DownloadRefused) as refused:
        await resolver.resolve("hanbit.sharepoint.com", 443)
    assert refused.value.reason == "address"
    ok = GuardedResolver(TEAMS, FixedResolver("20.190.1.1"))  # type: ignore[arg-type]
    assert [r["host"] for r in await ok.resolve("hanbit.sharepoint.com", 443)] == ["20.190.1.1"]


@pytest.fixture
async def internal():
    """A service on 127.0.0.1 recording requests; /big streams 3 chunks of 1 KiB without a Content-Length."""
    seen: list[str] = []

    async def handle(request: web.Request) -> web.StreamResponse:
        seen.append(request.path)
        if request.path == "/loop":
            raise web.HTTPFound("/loop")
        response = web.StreamResponse()
        response.enable_chunked_encoding()
        await response.prepare(request)
        for _ in range(3):
            await response.write(b"x" * 1024)
        return response

    app = web.Application()
    app.router.add_get("/{p:.*}", handle)
    runner, port = await serve_on_loopback(app, "127.0.0.1", 0)
    yield port, seen
    await runner.cleanup()


async def test_dns_rebinding_to_loopback_never_connects(internal):
    # A listed name whose DNS answer is 127.0.0.1: aiohttp gets only checked addresses, so nothing connects.
    port, seen = internal
    policy = DownloadPolicy(allowed=HostList.of(["files.example.test"]))
    with pytest.raises(DownloadRefused):
        await fetch(f"https://files.example.test:{port}/x", policy, max_bytes=10, resolver=FixedResolver("127.0.0.1"))  # type: ignore[arg-type]
    assert seen == []


async def test_size_cap_holds_while_streaming_and_redirect_loops_end(internal):
    port, seen = internal
    policy = DownloadPolicy(allowed=HostList(), onprem=HostList.of([f"127.0.0.1:{port}"]))
    with pytest.raises(TooLarge) as too_large:
        await fetch(f"http://127.0.0.1:{port}/big", policy, max_bytes=1500)
    assert 1500 < too_large.value.seen <= 3072
    assert (await fetch(f"http://127.0.0.1:{port}/big", policy, max_bytes=4096)).data == b"x" * 3072
    with pytest.raises(DownloadRefused) as refused:
        await fetch(f"http://127.0.0.1:{port}/loop", policy, max_bytes=10)
    assert refused.value.reason == "redirects" and seen.count("/loop") == policy.max_redirects + 1
