"""HTTP routes of the admin console (/admin): server-rendered pages over bot.admin.AdminConsole.

Who is signed in is decided exactly as in the web chat (bot/portal.py, then the Bot places the official); who may
see what is decided by the console service. Every POST proves it comes from a page of this session (Origin or
Sec-Fetch-Site, and the session's CSRF token); actions that cannot be undone show a confirmation page first.
"""

from __future__ import annotations

import csv
import io
import logging
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import jinja2
from aiohttp import web

from adapters.admin import csrf
from adapters.admin.text import labels
from bot import origin
from bot.admin import NotAllowed, Scope, UsageGroup, UsageLine
from bot.admin.audit_view import (
    DECISIONS,
    LIST_LIMIT,
    AuditFilter,
    AuditLine,
    known_findings,
    policy_of,
    read_filter,
)
from bot.admin.period import BadPeriod, Period, choose, shares
from bot.conversation import Caller
from bot.host import ConsoleHost
from bot.i18n import t
from bot.portal import portal_user
from bot.privacy.findings import PII_TYPES
from bot.wordfilter.lexicon import builtin_lexicon

log = logging.getLogger(__name__)
HERE = Path(__file__).parent
LANG_COOKIE = "govbot_admin_lang"
GROUPS: dict[str, UsageGroup] = {"department": "department", "assistant": "assistant", "user": "user"}
ROLE_CHOICES = ("member", "editor", "admin")
HEADERS = {
    "Cache-Control": "no-store",
    "X-Frame-Options": "DENY",
    "Content-Security-Policy": (
        "default-src 'self'; script-src 'self'; style-src 'self' 'unsafe-inline'; "
        "frame-ancestors 'none'; form-action 'self'; base-uri 'none'"
    ),
    "Referrer-Policy": "same-origin",
}


class Stop(Exception):
    """Ends a request early with a finished response (a 401/403 page)."""

    def __init__(self, response: web.Response):
        super().__init__(response.status)
        self.response = response


@dataclass(frozen=True)
class Page:
    """One request's signed-in admin: reach, language and the session's CSRF token."""

    scope: Scope
    locale: str
    labels: dict[str, str]
    session: str
    new_session: bool
    csrf: str


class AdminPages:
    def __init__(self, host: ConsoleHost):
        self.host = host
        self.console = host.console
        self.templates = jinja2.Environment(
            loader=jinja2.FileSystemLoader(HERE / "templates"),
            autoescape=True,
            enable_async=True,
            undefined=jinja2.StrictUndefined,
        )
        self.templates.filters["num"] = lambda value: f"{value:,}"
        # The finding types the audit filter offers: PII types and the prohibited-word lexicon's categories.
        self.findings = known_findings(PII_TYPES, {entry.category for entry in builtin_lexicon()})

    def mount(self, app: web.Application) -> None:
        app.router.add_static("/admin/static/", HERE / "static", append_version=True)
        app.router.add_get("/admin", self.overview)
        app.router.add_get("/admin/", self.overview)
        app.router.add_get("/admin/usage.csv", self.usage_csv)
        app.router.add_get("/admin/audit", self.audit)
        app.router.add_get("/admin/audit.csv", self.audit_csv)
        app.router.add_post("/admin/audit/verify", self.verify_all)
        app.router.add_get("/admin/caught", self.caught)
        app.router.add_get("/admin/d/{department}", self.usage)
        app.router.add_get("/admin/d/{department}/quotas", self.quotas)
        app.router.add_post("/admin/d/{department}/quotas", self.change_quota)
        app.router.add_get("/admin/d/{department}/roles", self.roles)
        app.router.add_post("/admin/d/{department}/roles", self.change_role)
        app.router.add_get("/admin/d/{department}/keys", self.keys)
        app.router.add_post("/admin/d/{department}/keys", self.change_keys)
        app.router.add_get("/admin/d/{department}/assistants", self.assistants)
        app.router.add_get("/admin/d/{department}/assistants/{assistant}", self.assistant)
        app.router.add_post("/admin/d/{department}/assistants/{assistant}", self.change_assistant)
        app.router.add_post("/admin/d/{department}/official/{assistant}", self.change_official)

    # ---- who, and may they ----------------------------------------------------------------

    def _locale(self, request: web.Request) -> str:
        chosen = request.query.get("lang") or request.cookies.get(LANG_COOKIE, "")
        return chosen if chosen in ("ko", "en") else self.console.config.organisation.locale

    async def _page(self, request: web.Request) -> Page:
        locale = self._locale(request)
        # one catalog message per limit name, as /quota shows them: quota_limit_tokens_per_day, ...
        texts = labels(locale) | {f"limit_{n}": t(f"quota_limit_{n}", locale) for n in self.console.limit_names}
        signed_in = portal_user(request.headers, request.cookies, self.host.settings)
        if signed_in is None:
            raise Stop(await self._refusal(401, texts, locale, texts["unauthenticated"]))
        user, groups = signed_in
        who = await self.host.bot.identify(Caller("web", user, groups=groups))
        scope = await self.console.scope(who) if who is not None else None
        if scope is None:
            log.info("admin console refused a non-admin")
            raise Stop(await self._refusal(403, texts, locale, texts["forbidden_body"]))
        session = request.cookies.get(csrf.SESSION_COOKIE, "")
        fresh = not session
        session = session or csrf.new_session()
        return Page(scope, locale, texts, session, fresh, csrf.token(self.host.csrf_key, session, scope.user_id))

    def _department(self, page: Page, request: web.Request) -> str:
        """The department the URL names, when it is within the admin's reach (otherwise a 403 page)."""
        department_id = request.match_info["department"]
        try:
            self.console.department(page.scope, department_id)
        except NotAllowed:
            raise _Forbidden(page) from None
        return department_id

    async def _proven(self, request: web.Request, page: Page) -> dict[str, str]:
        """The form's fields when the POST comes from a page of this session; otherwise a refusal (nothing changes)."""
        told, hosts = origin.from_headers(request.headers, request.host, request.content_type)
        verdict = origin.check(
            told,
            hosts=hosts,
            allowed_origins=self.host.settings.web_allowed_origins,
            form_allowed=True,
        )
        form = {k: str(v) for k, v in (await request.post()).items()}
        presented = form.get("csrf", "")
        if (
            verdict != "ok"
            or page.new_session
            or not csrf.valid(self.host.csrf_key, page.session, page.scope.user_id, presented)
        ):
            log.warning("admin console refused a %s without proof of origin (%s)", request.path, verdict)
            raise Stop(await self._refusal(403, page.labels, page.locale, page.labels["csrf_refused"]))
        return form

    # ---- rendering ------------------------------------------------------------------------

    async def _render(self, name: str, page: Page, status: int = 200, **values: Any) -> web.Response:
        template = self.templates.get_template(name)
        body = await template.render_async(
            L=page.labels,
            locale=page.locale,
            other_lang="en" if page.locale == "ko" else "ko",
            scope=page.scope,
            csrf=page.csrf,
            signed_in=t(
                "admin_signed_in",
                page.locale,
                name=page.scope.name,
                user=page.scope.user_id,
                reach=page.labels["reach_office"] if page.scope.office else page.labels["reach_department"],
            ),
            **values,
        )
        response = web.Response(text=body, content_type="text/html", status=status, headers=HEADERS)
        if page.new_session:
            response.set_cookie(csrf.SESSION_COOKIE, page.session, path="/admin", httponly=True, samesite="Strict")
        response.set_cookie(LANG_COOKIE, page.locale, path="/admin", samesite="Lax")
        return response

    async def _refusal(self, status: int, texts: dict[str, str], locale: str, message: str) -> web.Response:
        template = self.templates.get_template("refused.html")
        title = texts["refused_title"] if status not in (401, 403) else texts["forbidden_title"]
        body = await template.render_async(L=texts, locale=locale, title=title, message=message)
        return web.Response(text=body, content_type="text/html", status=status, headers=HEADERS)

    async def _confirm(self, page: Page, action: str, question: str, fields: dict[str, str]) -> web.Response:
        return await self._render("confirm.html", page, action=action, question=question, fields=fields)

    # ---- pages ----------------------------------------------------------------------------

    async def overview(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            ids = [d.id for d in page.scope.departments]
            lines = await self.console.usage("department", ids, datetime.now(UTC))
            bars = {d: await self.console.bars(d) for d in ids}
            period, error = self._period(request)
            rows = await self.console.period_usage("department", ids, period)
            names = self._names()
            chart = await self._chart(ids, period, {row.key: row.tokens for row in rows})
            return await self._render(
                "overview.html",
                page,
                lines=lines,
                names=names,
                bars=bars,
                shares=_shares(lines),
                period=period,
                rows=rows,
                row_shares=shares({row.key: row.tokens for row in rows}),
                chart=chart,
                query=_period_query(period),
                error=error,
            )

        return await self._run(request, work)

    async def usage(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            now = datetime.now(UTC)
            sees_users = page.scope.sees_users(department)
            assistants = await self.console.usage("assistant", [department], now)
            users = await self.console.usage("user", [department], now) if sees_users else None
            period, error = self._period(request)
            by_assistant = await self.console.period_usage("assistant", [department], period)
            by_user = await self.console.period_usage("user", [department], period) if sees_users else None
            user_bars = (
                await self.console.user_bars(page.scope, department, [line.key for line in users or []])
                if sees_users
                else {}
            )
            return await self._render(
                "usage.html",
                page,
                department=department,
                names=self._names(),
                bars=await self.console.bars(department),
                assistants=assistants,
                users=users,
                period=period,
                by_assistant=by_assistant,
                by_user=by_user,
                user_bars={user: [b for b in bars if b.value is not None] for user, bars in user_bars.items()},
                chart=await self._chart([department], period, None),
                query=_period_query(period),
                error=error,
                section="usage",
            )

        return await self._run(request, work)

    async def usage_csv(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            by = GROUPS.get(request.query.get("by", ""), "department")
            wanted = request.query.get("department", "")
            ids = [d.id for d in page.scope.departments if not wanted or d.id == wanted]
            if wanted and not ids:
                raise _Forbidden(page)
            if by == "user":  # user ids only for that department's own admins
                ids = [d for d in ids if page.scope.sees_users(d)]
            if "period" in request.query:  # one chosen period: tokens and requests in it
                period, _ = self._period(request)
                return _period_csv(await self.console.period_usage(by, ids, period), by, period, page.labels)
            lines = await self.console.usage(by, ids, datetime.now(UTC)) if ids else []
            return _csv(lines, by, page.labels)

        return await self._run(request, work)

    async def quotas(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            return await self._quota_page(page, department, request.query.get("done", ""))

        return await self._run(request, work)

    async def _quota_page(self, page: Page, department: str, done: str = "", error: str = "") -> web.Response:
        return await self._render(
            "quotas.html",
            page,
            department=department,
            names=self._names(),
            bars=await self.console.bars(department),
            limits=self.console.limit_names,
            done=done,
            error=error,
            section="quotas",
        )

    async def change_quota(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            form = await self._proven(request, page)
            name_of = self._names()
            action, limit, raw = form.get("action", ""), form.get("limit", ""), form.get("value", "").strip()
            shown = t(f"quota_limit_{limit}", page.locale) if limit in self.console.limit_names else limit
            try:
                if action == "reset":
                    if form.get("confirmed") != "yes":
                        question = t("admin_confirm_reset", page.locale, department=name_of[department])
                        return await self._confirm(page, request.path, question, {"action": "reset"})
                    count = await self.console.reset(page.scope, department)
                    done = t("admin_done_reset", page.locale, department=name_of[department], count=count)
                elif action == "set":
                    value = None if raw.lower() in ("", "none", "없음") else _number(raw)
                    await self.console.set_limit(page.scope, department, limit, value)
                    shown_value = f"{value:,}" if value is not None else page.labels["bar_unlimited"]
                    done = t(
                        "admin_done_set", page.locale, department=name_of[department], limit=shown, value=shown_value
                    )
                elif action == "grant":
                    total = await self.console.grant(page.scope, department, limit, _number(raw))
                    done = t("admin_done_grant", page.locale, department=name_of[department], limit=shown, total=total)
                else:
                    raise ValueError(action)
            except ValueError as error:
                message = t("admin_bad_value", page.locale, detail=str(error))
                return await self._quota_page(page, department, error=message)
            log.info("admin console: %s changed quota %s of %s (%s)", page.scope.user_id, limit, department, action)
            return await self._quota_page(page, department, done=done)

        return await self._run(request, work)

    async def roles(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            return await self._roles_page(page, department)

        return await self._run(request, work)

    async def _roles_page(self, page: Page, department: str, done: str = "", error: str = "") -> web.Response:
        return await self._render(
            "roles.html",
            page,
            department=department,
            names=self._names(),
            roles=await self.console.roles(page.scope, department),
            choices=ROLE_CHOICES,
            done=done,
            error=error,
            section="roles",
        )

    async def change_role(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            form = await self._proven(request, page)
            user, role = form.get("user", "").strip(), form.get("role", "")
            if role == "reset" and form.get("confirmed") != "yes":
                question = t("admin_confirm_role_reset", page.locale, user=user)
                return await self._confirm(page, request.path, question, {"user": user, "role": "reset"})
            try:
                await self.console.change_role(page.scope, department, user, role)
            except ValueError as error:
                return await self._roles_page(
                    page, department, error=t("admin_bad_value", page.locale, detail=str(error))
                )
            log.info("admin console: %s changed a role in %s", page.scope.user_id, department)
            if role == "reset":
                done = t("admin_done_role_reset", page.locale, user=user)
            else:
                done = t("admin_done_role", page.locale, user=user, role=page.labels[f"role_{role}"])
            return await self._roles_page(page, department, done=done)

        return await self._run(request, work)

    async def keys(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            return await self._keys_page(page, department)

        return await self._run(request, work)

    async def _keys_page(self, page: Page, department: str, done: str = "", created: str = "") -> web.Response:
        return await self._render(
            "keys.html",
            page,
            department=department,
            names=self._names(),
            keys=await self.console.keys(page.scope, department),
            done=done,
            created=created,
            section="keys",
        )

    async def change_keys(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            form = await self._proven(request, page)
            if form.get("action") == "create":
                key, _ = await self.console.create_key(page.scope, department, form.get("name", ""))
                log.info("admin console: %s created a key for %s", page.scope.user_id, department)
                return await self._keys_page(page, department, created=key)  # shown once, never in a URL
            prefix = form.get("prefix", "")
            if form.get("confirmed") != "yes":
                question = t("admin_confirm_revoke_key", page.locale, prefix=prefix)
                return await self._confirm(page, request.path, question, {"action": "revoke", "prefix": prefix})
            await self.console.revoke_key(page.scope, department, prefix)
            log.info("admin console: %s revoked key %s of %s", page.scope.user_id, prefix, department)
            return await self._keys_page(page, department, done=t("admin_done_key_revoked", page.locale, prefix=prefix))

        return await self._run(request, work)

    # ---- department assistants ------------------------------------------------------------

    async def assistants(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            return await self._assistants_page(page, department)

        return await self._run(request, work)

    async def _assistants_page(self, page: Page, department: str, done: str = "") -> web.Response:
        period = choose("month", "", "", datetime.now(UTC), self.console.config.zone)
        return await self._render(
            "assistants.html",
            page,
            department=department,
            names=self._names(),
            lines=await self.console.assistants(page.scope, department, period),
            official=await self.console.official_assistants(page.scope),
            visibility=lambda spec: self._visibility(spec.visibility, page),
            done=done,
            section="assistants",
        )

    def _visibility(self, visibility: Any, page: Page) -> str:
        if visibility in ("department", "org"):
            return page.labels[f"visibility_{visibility}"]
        names = self._names()
        return page.labels["visibility_some"] + ": " + ", ".join(names.get(d, d) for d in visibility)

    async def assistant(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            assistant_id = request.match_info["assistant"]
            state, spec, history = await self.console.assistant_history(page.scope, department, assistant_id)
            latest = state.latest_version
            old = _version(request.query.get("from"), max(1, latest - 1))
            new = _version(request.query.get("to"), latest)
            diff = await self.console.assistant_diff(page.scope, department, assistant_id, old, new)
            return await self._render(
                "assistant.html",
                page,
                department=department,
                names=self._names(),
                state=state,
                spec=spec,
                history=history,
                old=old,
                new=new,
                diff=diff,
                visibility=self._visibility(spec.visibility, page),
                section="assistants",
            )

        return await self._run(request, work)

    async def change_assistant(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            form = await self._proven(request, page)
            assistant_id = request.match_info["assistant"]
            state, spec, _ = await self.console.assistant_history(page.scope, department, assistant_id)
            disable = form.get("action") == "disable"
            if disable and form.get("confirmed") != "yes":
                question = t("admin_confirm_disable_assistant", page.locale, name=spec.name)
                return await self._confirm(page, request.path, question, {"action": "disable"})
            await self.console.set_assistant_disabled(page.scope, department, assistant_id, disable)
            log.info("admin console: %s %s assistant %s", page.scope.user_id, form.get("action"), assistant_id)
            if disable:
                done = t("admin_done_assistant_disabled", page.locale, name=spec.name)
            else:
                done = t("admin_done_assistant_enabled", page.locale, name=spec.name)
            return await self._assistants_page(page, department, done=done)

        return await self._run(request, work)

    async def change_official(self, request: web.Request) -> web.StreamResponse:
        """Switch an official (YAML) assistant off or on for the whole office (office admins only)."""

        async def work(page: Page) -> web.Response:
            department = self._department(page, request)
            form = await self._proven(request, page)
            assistant_id = request.match_info["assistant"]
            disable = form.get("action") == "disable"
            if disable and form.get("confirmed") != "yes":
                known = {spec.id: spec.name for spec, _ in await self.console.official_assistants(page.scope)}
                if assistant_id not in known:
                    raise NotAllowed(assistant_id)
                question = t("admin_confirm_disable_official", page.locale, name=known[assistant_id])
                return await self._confirm(page, request.path, question, {"action": "disable"})
            spec = await self.console.set_official_disabled(page.scope, assistant_id, disable)
            log.info("admin console: %s %s official assistant %s", page.scope.user_id, form.get("action"), spec.id)
            key = "admin_done_assistant_disabled" if disable else "admin_done_assistant_enabled"
            return await self._assistants_page(page, department, done=t(key, page.locale, name=spec.name))

        return await self._run(request, work)

    # ---- audit trail and what the filters caught -------------------------------------------

    def _audit_filter(self, request: web.Request) -> tuple[AuditFilter, str]:
        now, zone = datetime.now(UTC), self.console.config.zone
        try:
            return read_filter(request.query, now, zone, self.findings), ""
        except BadPeriod as error:
            return read_filter({}, now, zone, self.findings), str(error)

    async def audit(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            chosen, error = self._audit_filter(request)
            records = await self.console.audit_records(page.scope, chosen)
            status = await self.console.chain_status()
            full = status.full
            problems = status.problems or ([] if full.running else full.problems)
            if problems:
                first = problems[0]
                detail = first.ko if page.locale == "ko" else first.en
                chain = t("admin_chain_broken", page.locale, seq=first.seq, call_id=first.call_id, detail=detail)
                if len(problems) > 1:
                    chain += " " + t("admin_chain_more", page.locale, count=len(problems) - 1)
            else:
                chain = t("admin_chain_ok_since", page.locale, count=f"{status.verified_through:,}")
            zone = self.console.config.zone
            if full.running:
                full_line = t("admin_full_running", page.locale, done=f"{full.done:,}", total=f"{full.total:,}")
            elif status.full_at is not None:
                when = status.full_at.astimezone(zone).strftime("%Y-%m-%d %H:%M")
                full_line = t("admin_full_last", page.locale, when=when)
            else:
                full_line = t("admin_full_never", page.locale)
            return await self._render(
                "audit.html",
                page,
                chosen=chosen,
                period=chosen.period,
                records=records,
                limited=t("admin_list_limited", page.locale, count=LIST_LIMIT) if len(records) >= LIST_LIMIT else "",
                chain=chain,
                chain_ok=not problems,
                full_line=full_line,
                full_running=full.running,
                decisions=DECISIONS,
                findings=self.findings,
                names=self._names(),
                finding_label=lambda finding: _finding_label(finding, page),
                query=request.query_string,
                error=error,
                section_top="audit",
            )

        return await self._run(request, work)

    async def verify_all(self, request: web.Request) -> web.StreamResponse:
        """The 전체 검증 button: every record verified again in the background (office admins only)."""

        async def work(page: Page) -> web.StreamResponse:
            await self._proven(request, page)
            self.console.start_full_check(page.scope)
            log.info("admin console: %s started a full audit verification", page.scope.user_id)
            raise web.HTTPSeeOther("/admin/audit#chain-status")

        return await self._run(request, work)

    async def audit_csv(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            chosen, _ = self._audit_filter(request)
            records = await self.console.audit_records(page.scope, chosen, limit=None)
            return _audit_csv(records, chosen.period, page.labels)

        return await self._run(request, work)

    async def caught(self, request: web.Request) -> web.StreamResponse:
        async def work(page: Page) -> web.Response:
            period, error = self._period(request)
            department = request.query.get("department", "")
            lines = await self.console.caught(page.scope, period, department)
            ids = [department] if department else [d.id for d in page.scope.departments]
            return await self._render(
                "caught.html",
                page,
                period=period,
                chosen_department=department,
                pii=[c for c in lines if c.policy == "pii"],
                words=[c for c in lines if c.policy == "words"],
                ids=ids,
                names=self._names(),
                finding_label=lambda finding: _finding_label(finding, page),
                error=error,
                section_top="caught",
            )

        return await self._run(request, work)

    # ---- plumbing -------------------------------------------------------------------------

    def _period(self, request: web.Request) -> tuple[Period, str]:
        """The period the page asks for (this month when none), or this month and what was wrong with the range."""
        now, zone = datetime.now(UTC), self.console.config.zone
        query = request.query
        try:
            return choose(query.get("period", "month"), query.get("from", ""), query.get("to", ""), now, zone), ""
        except BadPeriod as error:
            return choose("month", "", "", now, zone), str(error)

    async def _chart(self, ids: list[str], period: Period, totals: dict[str, int] | None) -> dict[str, Any]:
        """What admin.js draws: tokens per local day per department, and (overview) each department's share."""
        names = self._names()
        series = await self.console.daily(ids, period)
        return {
            "labels": [day.strftime("%m-%d") for day in period.days],
            "datasets": [{"label": names.get(d, d), "data": series[d]} for d in ids],
            "share": None
            if totals is None
            else {"labels": [names.get(d, d) for d in totals], "data": list(totals.values())},
        }

    def _names(self) -> dict[str, str]:
        return {d.id: d.name for d in self.console.config.departments}

    async def _run(self, request: web.Request, work: Any) -> web.StreamResponse:
        """Runs a page with the signed-in admin; refusals end it with their own page."""
        try:
            page = await self._page(request)
            try:
                response: web.StreamResponse = await work(page)
            except (_Forbidden, NotAllowed):
                response = await self._refusal(403, page.labels, page.locale, page.labels["forbidden_department"])
            return response
        except Stop as stop:
            return stop.response


class _Forbidden(Exception):
    """The page names a department outside the admin's reach."""

    def __init__(self, page: Page):
        super().__init__("forbidden")
        self.page = page


def _version(text: str | None, default: int) -> int:
    try:
        return max(1, int(text)) if text else default
    except ValueError:
        return default


def _number(text: str) -> int:
    try:
        return int(text.replace(",", "").replace("_", ""))
    except ValueError:
        raise ValueError(text) from None


def _shares(lines: list[UsageLine]) -> dict[str, float]:
    """Each department's share of this month's tokens, in percent (the overview's bar chart)."""
    total = sum(line.month_tokens for line in lines)
    return {line.key: (100 * line.month_tokens / total if total else 0.0) for line in lines}


def _finding_label(finding: str, page: Page) -> str:
    """A finding type in the reader's words (주민등록번호, …); prohibited-word types keep their stable id."""
    core = finding.removeprefix("output_")
    suffix = f" {page.labels['output_suffix']}" if core != finding else ""
    if core in PII_TYPES and policy_of(finding) == "pii":
        return t(f"pii_{core}", page.locale) + suffix
    return finding


def _audit_csv(records: list[AuditLine], period: Period, texts: dict[str, str]) -> web.Response:
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(
        ["seq", "time", "call_id", "department", "user", "platform", "purpose", "assistant", "model", "tokens"]
        + ["decision", "error_code", "findings"]
    )
    for r in records:
        findings = ";".join(f"{k}={v}" for k, v in sorted(r.findings.items()))
        writer.writerow(
            [r.seq, r.when.isoformat(), r.call_id, r.department_id, r.user_id, r.platform, r.purpose, r.assistant_id]
            + [r.model, r.tokens, r.decision, r.error_code, findings]
        )
    return _csv_response(out.getvalue(), f"govbot-audit-{period.first.isoformat()}-{period.last.isoformat()}.csv")


def _period_query(period: Period) -> str:
    """The query string that shows this period again (CSV links)."""
    return f"period={period.kind}&from={period.first.isoformat()}&to={period.last.isoformat()}"


def _period_csv(rows: list[Any], by: str, period: Period, texts: dict[str, str]) -> web.Response:
    out = io.StringIO()
    writer = csv.writer(out)
    first = {"department": "col_department", "assistant": "col_assistant", "user": "col_user"}[by]
    head = [texts["col_department"]] if by != "department" else []
    writer.writerow(
        [*head, texts[first], texts["field_from"], texts["field_to"], texts["col_tokens"], texts["col_requests"]]
    )
    for row in rows:
        lead = [row.department_id] if by != "department" else []
        writer.writerow([*lead, row.key, period.first.isoformat(), period.last.isoformat(), row.tokens, row.requests])
    name = f"govbot-usage-{by}-{period.first.isoformat()}-{period.last.isoformat()}.csv"
    return _csv_response(out.getvalue(), name)


def _csv_response(text: str, filename: str) -> web.Response:
    # A byte-order mark so spreadsheet programs on office PCs read the Korean headings as UTF-8.
    return web.Response(
        body=("\ufeff" + text).encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="{filename}"',
            "Cache-Control": "no-store",
        },
    )


def _csv(lines: list[UsageLine], by: str, texts: dict[str, str]) -> web.Response:
    out = io.StringIO()
    writer = csv.writer(out)
    first = {"department": "col_department", "assistant": "col_assistant", "user": "col_user"}[by]
    head = [texts["col_department"]] if by != "department" else []
    writer.writerow(
        [
            *head,
            texts[first],
            texts["col_today_tokens"],
            texts["col_today_requests"],
            texts["col_month_tokens"],
            texts["col_month_requests"],
        ]
    )
    for line in lines:
        lead = [line.department_id] if by != "department" else []
        writer.writerow(
            [*lead, line.key, line.today_tokens, line.today_requests, line.month_tokens, line.month_requests]
        )
    # A byte-order mark so spreadsheet programs on office PCs read the Korean headings as UTF-8.
    return web.Response(
        body=("\ufeff" + out.getvalue()).encode("utf-8"),
        headers={
            "Content-Type": "text/csv; charset=utf-8",
            "Content-Disposition": f'attachment; filename="govbot-usage-{by}.csv"',
            "Cache-Control": "no-store",
        },
    )
