"""The commands every user has: /help, /assistants, /use, /quota, /reset."""

from __future__ import annotations

from bot.conversation import Reply, Table
from bot.dispatch.commands import Command, CommandRegistry
from bot.dispatch.dispatcher import Turn, default_assistant
from bot.i18n import t
from bot.quota.service import LimitStatus


async def help_command(turn: Turn, args: str) -> Reply:
    services = turn.services
    current = await _current_assistant_name(turn)
    head = t("help_head", turn.locale, organisation=services.config.organisation.name, current=current)
    tail = t("help_tail", turn.locale)
    offline = "\n\n" + t("help_offline", turn.locale) if services.offline else ""
    return Reply(f"{head}\n{services.commands.help_text(turn.locale)}\n\n{tail}{offline}")


async def assistants_command(turn: Turn, args: str) -> Reply:
    visible = [s for s in await turn.services.assistants.visible(turn.identity.department.id) if not s.disabled]
    locale = turn.locale
    columns = (
        t("assistants_col_name", locale),
        t("assistants_col_description", locale),
        t("assistants_col_owner", locale),
    )
    departments = {d.id: d.name for d in turn.services.config.departments}
    office = t("assistants_office_wide", locale)
    rows = tuple((s.name, s.description, departments.get(s.department or "", office)) for s in visible)
    intro = t("assistants_intro", locale)
    return Reply(intro, parts=[Table(columns, rows)])  # the table is the list: every adapter renders it


async def use_command(turn: Turn, args: str) -> Reply:
    if not args:
        return Reply(t("use_needs_name", turn.locale), kind="error")
    spec = await turn.services.assistants.find(args, turn.identity.department.id)
    if spec is None:
        return Reply(t("unknown_assistant", turn.locale, name=args), kind="error")
    if spec.disabled:
        return Reply(t("assistant_disabled", turn.locale, name=spec.name), kind="refusal")
    await turn.services.store.conversations.set_assistant(turn.message.conversation_key, spec.id, spec.version)
    text = t("now_using", turn.locale, name=spec.name, description=spec.description)
    reply = Reply(text, assistant=spec.name, thread_assistant=spec.name)
    if spec.starters:
        label = t("use_starters", turn.locale)
        reply.text += f"\n\n{label}\n" + "\n".join(f"- {s}" for s in spec.starters)
    return reply


async def quota_command(turn: Turn, args: str) -> Reply:
    """Everyone sees their department's use; its admins may also `/quota set|grant|reset`."""
    quota, department = turn.services.quota, turn.identity.department
    action, _, rest = args.partition(" ")
    if action in ("set", "grant", "reset"):
        return await _change_quota(turn, action, rest.split())
    locale = turn.locale
    statuses = await quota.status(department.id)
    rows = tuple(_quota_row(status, locale) for status in statuses)
    # The month's row is found by the limit's stable name, never by its translated label.
    month = next(row for status, row in zip(statuses, rows) if status.name == "tokens_per_month")
    columns = (
        t("quota_col_limit", locale),
        t("quota_col_used", locale),
        t("quota_col_value", locale),
        t("quota_col_share", locale),
        t("quota_col_resets", locale),
    )
    head = t("quota_head", locale, department=department.name, used=month[1], limit=month[2])
    return Reply(head, parts=[Table(columns, rows)])


def _quota_row(status: LimitStatus, locale: str) -> tuple[str, ...]:
    limit = f"{status.value:,}" if status.value is not None else t("unlimited", locale)
    share = f"{100 * status.used / status.value:.0f}%" if status.value else "-"
    # one catalog message per limit name: quota_limit_tokens_per_day, quota_limit_tokens_per_month, ...
    label = t(f"quota_limit_{status.name}", locale)
    return (label, f"{status.used:,}", limit, share, f"{status.resets_at:%m-%d %H:%M}")


async def _change_quota(turn: Turn, action: str, words: list[str]) -> Reply:
    identity, quota = turn.identity, turn.services.quota
    audit, platform = turn.services.store.audit, turn.message.platform
    if not identity.is_admin:
        return Reply("한도는 부서 관리자만 바꿀 수 있습니다. / Only department admins can change quotas.", kind="error")
    usage = "사용법: `/quota set 한도이름 값`, `/quota grant 한도이름 추가량`, `/quota reset` (한도이름: tokens_per_day, tokens_per_month, requests_per_day, user_tokens_per_day, user_requests_per_minute)"
    try:
        if action == "reset":
            removed = await quota.reset(identity.department.id, by=identity.user_id, audit=audit, platform=platform)
            return Reply(f"관리자 변경 {removed}건을 지우고 app.yaml 한도로 되돌렸습니다.")
        if len(words) != 2:
            return Reply(usage, kind="error")
        name, raw = words
        value = None if raw.lower() in ("none", "없음") else int(raw.replace(",", ""))
        if action == "set":
            await quota.set_limit(
                identity.department.id, name, value, by=identity.user_id, audit=audit, platform=platform
            )
            return Reply(
                f"{identity.department.name}의 {name} 한도를 {value if value is not None else '제한 없음'}(으)로 바꿨습니다."
            )
        if value is None or value <= 0:
            return Reply(usage, kind="error")
        total = await quota.grant(
            identity.department.id, name, value, by=identity.user_id, audit=audit, platform=platform
        )
        return Reply(f"{identity.department.name}의 {name} 한도를 이번 기간에만 {total:,} 늘렸습니다.")
    except ValueError as error:
        return Reply(f"{error}\n\n{usage}", kind="error")


async def reset_command(turn: Turn, args: str) -> Reply:
    key = turn.message.conversation_key
    await turn.services.memory.clear(key, turn.conversation.id)
    return Reply(t("reset_done", turn.locale))


async def _current_assistant_name(turn: Turn) -> str:
    if turn.conversation.assistant_id:
        spec = await turn.services.assistants.get(turn.conversation.assistant_id, turn.identity.department.id)
        if spec is not None:
            return spec.name
    return (
        await default_assistant(turn.services, turn.identity.department, turn.message.platform, turn.message.channel_id)
    ).name


def register_builtin_commands(registry: CommandRegistry) -> None:
    registry.add(Command("help", help_command, "command_help_help", aliases=("도움말", "h")))
    registry.add(
        Command(
            "assistants",
            assistants_command,
            "command_help_assistants",
            aliases=("도우미",),
        )
    )
    registry.add(
        Command(
            "use",
            use_command,
            "command_help_use",
            usage="이름",
            aliases=("사용",),
        )
    )
    registry.add(
        Command(
            "quota",
            quota_command,
            "command_help_quota",
            aliases=("사용량",),
        )
    )
    registry.add(Command("reset", reset_command, "command_help_reset", aliases=("초기화",)))
