"""The cross-site check of the web chat and the admin console (bot/origin.py): pure decisions over request headers."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from bot.origin import RequestOrigin, check

HOSTS = ["govbot.hanbit.go.kr", "127.0.0.1:8080"]


def verdict(content_type: str, origin: str = "", site: str = "", **options) -> str:
    return check(RequestOrigin(content_type, origin, site), hosts=HOSTS, **options)


def test_the_page_itself_and_json_scripts_pass():
    assert verdict("application/json", "https://govbot.hanbit.go.kr", "same-origin") == "ok"
    assert verdict("multipart/form-data", "http://127.0.0.1:8080", multipart_allowed=True) == "ok"
    assert verdict("multipart/form-data", "", "same-origin", multipart_allowed=True) == "ok"
    assert verdict("application/json") == "ok"  # curl, a script: no browser headers, a type forms cannot send


def test_other_sites_and_form_types_are_refused():
    assert verdict("application/json", "https://evil.example") == "cross_site"
    assert verdict("application/json", "null") == "cross_site"
    assert verdict("application/json", "", "cross-site") == "cross_site"
    assert verdict("application/json", "https://wiki.hanbit.go.kr", "same-site") == "cross_site"
    assert verdict("multipart/form-data", multipart_allowed=True) == "json_required"  # no proof of origin
    assert verdict("multipart/form-data", "https://govbot.hanbit.go.kr") == "json_required"  # not on this route
    assert verdict("application/x-www-form-urlencoded", "https://govbot.hanbit.go.kr") == "json_required"
    assert verdict("text/plain") == "json_required"


def test_an_office_listed_origin_may_embed_the_chat():
    portal = "https://portal.hanbit.go.kr"
    assert verdict("application/json", portal, "same-site", allowed_origins=[portal]) == "ok"
    assert verdict("application/json", portal, "same-site") == "cross_site"


@given(
    origin=st.one_of(
        st.text(max_size=40),
        st.sampled_from(["https://GOVBOT.hanbit.go.kr", "https://govbot.hanbit.go.kr/x", "http://[::1", "null"]),
    ),
    site=st.sampled_from(["", "same-origin", "same-site", "cross-site", "none"]),
    content_type=st.sampled_from(
        ["application/json", "multipart/form-data", "text/plain", "application/x-www-form-urlencoded", ""]
    ),
)
def test_nothing_but_the_own_origin_or_a_bare_json_client_gets_through(origin, site, content_type):
    result = verdict(content_type, origin, site, multipart_allowed=True)
    own = origin.lower() in (
        "https://govbot.hanbit.go.kr",
        "http://govbot.hanbit.go.kr",
        "http://127.0.0.1:8080",
        "https://127.0.0.1:8080",
    )
    if result == "ok":
        assert site in ("", "same-origin")
        assert own or (origin == "" and (site == "same-origin" or content_type == "application/json"))
        assert content_type in ("application/json", "multipart/form-data")


def test_the_consoles_url_encoded_forms_need_a_positive_same_origin_proof() -> None:
    form = "application/x-www-form-urlencoded"
    hosts = ["govbot.hanbit.go.kr"]
    proven = RequestOrigin(form, origin="https://govbot.hanbit.go.kr")
    assert check(proven, hosts=hosts, form_allowed=True) == "ok"
    assert check(proven, hosts=hosts) == "json_required"  # the web chat never takes forms
    assert check(RequestOrigin(form), hosts=hosts, form_allowed=True) == "json_required"  # no proof at all
    foreign = RequestOrigin(form, origin="https://evil.example")
    assert check(foreign, hosts=hosts, form_allowed=True) == "cross_site"
