"""App Home: the official's department, its token use this month, the assistants and starters."""

from __future__ import annotations

from typing import Any

from adapters.slack.mrkdwn import escape, truncate
from bot.conversation import DepartmentSummary
from bot.i18n import t

MAX_ASSISTANTS = 20


def _section(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": truncate(text, 3000)}}


def home_view(
    summary: DepartmentSummary | None, *, organisation: str, locale: str, unknown_text: str
) -> dict[str, Any]:
    """The `home` view for views.publish; an unknown user sees whom to ask to be registered."""
    blocks: list[dict[str, Any]] = [
        {
            "type": "header",
            "text": {
                "type": "plain_text",
                "text": truncate(t("slack_home_title", locale, organisation=organisation), 150),
            },
        }
    ]
    if summary is None:
        blocks.append(_section("⚠️ " + escape(unknown_text)))
        return {"type": "home", "blocks": blocks}
    role = _role_name(summary.role, locale)
    limit = f"{summary.tokens_limit_month:,}" if summary.tokens_limit_month is not None else t("unlimited", locale)
    blocks.append(
        _section(
            t(
                "slack_home_department",
                locale,
                name=escape(summary.user_name),
                department=escape(summary.department_name),
                role=role,
            )
        )
    )
    quota = t("slack_home_quota", locale, used=summary.tokens_used_month, limit=limit)
    if summary.tokens_limit_month:
        share = min(summary.tokens_used_month / summary.tokens_limit_month, 1.0)
        filled = round(share * 20)
        quota += f"\n`{'█' * filled}{'░' * (20 - filled)}` {share:.0%}"
    blocks.append(_section(quota))
    blocks.append({"type": "divider"})
    heading = t("slack_home_assistants", locale)
    blocks.append(_section(f"*{heading}*"))
    for name, description in summary.assistants[:MAX_ASSISTANTS]:
        blocks.append(_section(f"*{escape(name)}* — {escape(description)}"))
    if summary.starters:
        blocks.append({"type": "divider"})
        lines = "\n".join(f"• {escape(s)}" for s in summary.starters)
        heading = t("slack_home_starters", locale)
        blocks.append(_section(f"*{heading}*\n{lines}"))
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": t("slack_home_howto", locale)}]})
    return {"type": "home", "blocks": blocks}


def _role_name(role: str, locale: str) -> str:
    names = {"admin": t("role_admin", locale), "editor": t("role_editor", locale), "member": t("role_member", locale)}
    return names.get(role, role)
