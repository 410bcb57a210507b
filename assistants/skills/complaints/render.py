"""A triage result as a Reply: a short Korean summary, the ranked clusters and the top complaints as
tables (each adapter renders them natively), the XLSX file and a forward button per top cluster."""

from __future__ import annotations

from datetime import datetime

from assistants.skills.complaints.export import xlsx_bytes
from assistants.skills.complaints.pipeline import ClusterResult, TriageResult
from assistants.skills.complaints.priority import LEVELS
from assistants.skills.complaints.reasons import localized
from bot.conversation import Button, Buttons, FilePart, Reply, Table
from bot.i18n import t

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TOP_COMPLAINTS = 10
FORWARD_BUTTONS = 3
SNIPPET = 120


def snippet(text: str, limit: int = SNIPPET) -> str:
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


def cluster_table(result: TriageResult, locale: str = "ko") -> Table:
    rows = []
    for rank, cluster in enumerate(result.clusters, start=1):
        representative = result.complaints[cluster.representative].complaint
        rows.append(
            (
                str(rank),
                cluster.priority.level,
                cluster.title,
                f"{cluster.size}건",
                f"{representative.row}행: {snippet(representative.text, 90)}",
                "; ".join(localized(r, locale) for r in cluster.priority.reasons[:4]),
                cluster.route.department_name,
            )
        )
    return Table(
        ("순위", "우선순위", "묶음", "건수", "대표 민원", "사유", "담당 부서(제안)"),
        tuple(rows),
        title="우선순위별 민원 묶음",
    )


def top_table(result: TriageResult, locale: str = "ko") -> Table:
    rows = []
    for index in result.ranked_complaints()[:TOP_COMPLAINTS]:
        scored = result.complaints[index]
        rows.append(
            (
                scored.priority.level,
                f"{scored.priority.score:.0f}",
                f"{scored.complaint.row}행",
                snippet(scored.complaint.text),
                "; ".join(localized(r, locale) for r in scored.priority.reasons[:4]),
                f"{scored.cluster + 1}번",
            )
        )
    return Table(("우선순위", "점수", "행", "민원", "사유", "묶음"), tuple(rows), title=f"먼저 볼 민원 {len(rows)}건")


def file_name(result: TriageResult) -> str:
    stamp = (result.as_of or datetime.now()).strftime("%Y%m%d")
    topic = "".join(ch for ch in (result.topic or "") if ch.isalnum())[:20]
    return f"민원정리_{topic + '_' if topic else ''}{stamp}.xlsx"


def forward_buttons(result: TriageResult, tokens: dict[int, str]) -> Buttons | None:
    buttons = []
    for rank, token in sorted(tokens.items())[:FORWARD_BUTTONS]:
        cluster = result.clusters[rank - 1]
        department = cluster.route.department_name
        buttons.append(
            Button(
                f"{rank}번 묶음 → {department} 전달",
                "complaint_forward",
                token,
                confirm=f"{rank}번 묶음 '{cluster.title}' 요약({cluster.size}건)을 {department} 채널에 보낼까요?",
            )
        )
    return Buttons(tuple(buttons)) if buttons else None


def to_reply(result: TriageResult, locale: str, *, tokens: dict[int, str], notice: str | None) -> Reply:
    counts = {level: sum(1 for c in result.complaints if c.priority.level == level) for level in LEVELS}
    scope = t("triage_scope", locale, topic=result.topic, total=result.total) if result.topic else ""
    lines = [
        t(
            "triage_head",
            locale,
            count=len(result.complaints),
            clusters=len(result.clusters),
            scope=scope,
            urgent=counts["긴급"],
            high=counts["높음"],
            normal=counts["보통"],
            low=counts["낮음"],
        )
    ]
    if result.topic:
        lines.append(t("triage_terms", locale, terms=", ".join(result.terms)))
    lines += [_cluster_line(rank, cluster, locale) for rank, cluster in enumerate(result.clusters[:5], start=1)]
    if result.source.encoding and result.source.encoding not in ("utf-8", "utf-8-sig"):
        lines.append(t("triage_encoding", locale, name=result.source.source, encoding=result.source.encoding.upper()))
    skipped = result.source.skipped
    if skipped:
        lines.append(
            t(
                "triage_skipped",
                locale,
                count=len(skipped),
                rows="; ".join(p.describe(locale) for p in skipped[:10]) + (" …" if len(skipped) > 10 else ""),
            )
        )
    warnings = [p for p in result.source.problems if not p.skipped]
    if warnings:
        lines.append(
            t(
                "triage_warnings",
                locale,
                rows="; ".join(p.describe(locale) for p in warnings[:5]) + (" …" if len(warnings) > 5 else ""),
            )
        )
    lines += result.notes
    lines.append(t("triage_masked", locale))
    parts: list = [
        cluster_table(result, locale),
        top_table(result, locale),
        FilePart(file_name(result), XLSX_TYPE, xlsx_bytes(result), title="민원 정리 결과(XLSX)"),
    ]
    buttons = forward_buttons(result, tokens)
    if buttons:
        parts.append(buttons)
    return Reply(text="\n\n".join(lines), kind="answer", parts=parts, notice=notice)


def _cluster_line(rank: int, cluster: ClusterResult, locale: str = "ko") -> str:
    reasons = "; ".join(localized(r, locale) for r in cluster.priority.reasons[:3])
    return (
        f"{rank}. **[{cluster.priority.level}] {cluster.title}** — {cluster.size}건, {cluster.route.department_name}"
        + (f" ({reasons})" if reasons else "")
    )


def forward_message(
    cluster: ClusterResult, result: TriageResult, rank: int, sender: str, sender_department: str
) -> Reply:
    """What the responsible department's channel receives."""
    rows = tuple(
        (
            result.complaints[i].priority.level,
            f"{result.complaints[i].complaint.row}행",
            snippet(result.complaints[i].complaint.text),
        )
        for i in cluster.members[:5]
    )
    text = (
        f"📨 **민원 묶음 전달** — {sender}({sender_department})\n\n**[{cluster.priority.level}] {cluster.title}** · {cluster.size}건\n"
        f"{cluster.summary}\n\n사유: {'; '.join(cluster.priority.reasons) or '—'}\n키워드: {', '.join(cluster.keywords) or '—'}"
    )
    return Reply(
        text=text, kind="info", parts=[Table(("우선순위", "행", "민원"), rows, title=f"{rank}번 묶음의 주요 민원")]
    )
