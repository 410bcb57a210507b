"""The commands every user has: /help, /assistants, /use, /quota, /reset."""

from __future__ import annotations

from bot.conversation import Reply, Table
from bot.dispatch.commands import Command, CommandRegistry
from bot.dispatch.dispatcher import Turn, default_assistant
from bot.i18n import t


async def help_command(turn: Turn, args: str) -> Reply:
    services = turn.services
    current = await _current_assistant_name(turn)
    if turn.locale == "en":
        head = f"**govbot** for {services.config.organisation.name}. Current assistant: **{current}**.\n\nCommands:"
        tail = "Anything else you type goes to the current assistant. Start with `@name` to ask another assistant."
    else:
        head = (
            f"**govbot** — {services.config.organisation.name} 업무 도우미입니다. 현재 도우미: **{current}**\n\n명령:"
        )
        tail = "그 밖의 입력은 현재 도우미에게 전달됩니다. 다른 도우미에게 물으려면 `@이름`으로 시작하세요."
    offline = ""
    if services.offline:
        offline = "\n\n" + (
            "(Offline mode: no generative model is connected.)"
            if turn.locale == "en"
            else "(오프라인 모드: 생성형 모델이 연결되어 있지 않습니다.)"
        )
    return Reply(f"{head}\n{services.commands.help_text(turn.locale)}\n\n{tail}{offline}")


async def assistants_command(turn: Turn, args: str) -> Reply:
    visible = await turn.services.assistants.visible(turn.identity.department.id)
    columns = ("Name", "Description", "Owner") if turn.locale == "en" else ("이름", "설명", "소속")
    departments = {d.id: d.name for d in turn.services.config.departments}
    office = "Office-wide" if turn.locale == "en" else "전체 공통"
    rows = tuple((s.name, s.description, departments.get(s.department or "", office)) for s in visible)
    intro = (
        "Assistants you can use (`/use NAME`):"
        if turn.locale == "en"
        else "사용할 수 있는 도우미입니다(`/use 이름`으로 선택):"
    )
    return Reply(intro, parts=[Table(columns, rows)])  # the table is the list: every adapter renders it


async def use_command(turn: Turn, args: str) -> Reply:
    if not args:
        return Reply(t("use_needs_name", turn.locale), kind="error")
    spec = await turn.services.assistants.find(args, turn.identity.department.id)
    if spec is None:
        return Reply(t("unknown_assistant", turn.locale, name=args), kind="error")
    await turn.services.store.conversations.set_assistant(turn.message.conversation_key, spec.id, spec.version)
    text = t("now_using", turn.locale, name=spec.name, description=spec.description)
    reply = Reply(text, assistant=spec.name, thread_assistant=spec.name)
    if spec.starters:
        label = "Try:" if turn.locale == "en" else "이렇게 물어보세요:"
        reply.text += f"\n\n{label}\n" + "\n".join(f"- {s}" for s in spec.starters)
    return reply


async def quota_command(turn: Turn, args: str) -> Reply:
    """Everyone sees their department's use; its admins may also `/quota set|grant|reset`."""
    quota, department = turn.services.quota, turn.identity.department
    action, _, rest = args.partition(" ")
    if action in ("set", "grant", "reset"):
        return await _change_quota(turn, action, rest.split())
    en = turn.locale == "en"
    rows = []
    for status in await quota.status(department.id):
        limit = f"{status.value:,}" if status.value is not None else t("unlimited", turn.locale)
        share = f"{100 * status.used / status.value:.0f}%" if status.value else "-"
        rows.append(
            (
                status.label_en if en else status.label_ko,
                f"{status.used:,}",
                limit,
                share,
                f"{status.resets_at:%m-%d %H:%M}",
            )
        )
    columns = (
        ("Limit", "Used", "Limit value", "Share", "Resets") if en else ("한도", "사용", "한도값", "비율", "초기화")
    )
    month = next(r for r in rows if r[0] in ("부서 한 달 토큰 한도", "department monthly token limit"))
    head = (
        f"**{department.name}** this month: {month[1]} / {month[2]} tokens"
        if en
        else f"**{department.name}** 이번 달 사용량: {month[1]} / {month[2]} 토큰"
    )
    return Reply(head, parts=[Table(columns, tuple(rows))])


async def _change_quota(turn: Turn, action: str, words: list[str]) -> Reply:
    identity, quota = turn.identity, turn.services.quota
    if not identity.is_admin:
        return Reply("한도는 부서 관리자만 바꿀 수 있습니다. / Only department admins can change quotas.", kind="error")
    usage = "사용법: `/quota set 한도이름 값`, `/quota grant 한도이름 추가량`, `/quota reset` (한도이름: tokens_per_day, tokens_per_month, requests_per_day, user_tokens_per_day, user_requests_per_minute)"
    try:
        if action == "reset":
            removed = await quota.reset(identity.department.id)
            return Reply(f"관리자 변경 {removed}건을 지우고 app.yaml 한도로 되돌렸습니다.")
        if len(words) != 2:
            return Reply(usage, kind="error")
        name, raw = words
        value = None if raw.lower() in ("none", "없음") else int(raw.replace(",", ""))
        if action == "set":
            await quota.set_limit(identity.department.id, name, value, by=identity.user_id)
            return Reply(
                f"{identity.department.name}의 {name} 한도를 {value if value is not None else '제한 없음'}(으)로 바꿨습니다."
            )
        if value is None or value <= 0:
            return Reply(usage, kind="error")
        total = await quota.grant(identity.department.id, name, value, by=identity.user_id)
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
    registry.add(Command("help", help_command, "이 도움말", "this help", aliases=("도움말", "h")))
    registry.add(
        Command(
            "assistants",
            assistants_command,
            "사용할 수 있는 도우미 목록",
            "list the assistants you can use",
            aliases=("도우미",),
        )
    )
    registry.add(
        Command(
            "use",
            use_command,
            "이 대화에서 쓸 도우미 선택",
            "choose the assistant for this conversation",
            usage="이름",
            aliases=("사용",),
        )
    )
    registry.add(
        Command(
            "quota",
            quota_command,
            "부서 사용량 보기 (관리자: set/grant/reset)",
            "show your department's usage (admins: set/grant/reset)",
            aliases=("사용량",),
        )
    )
    registry.add(
        Command("reset", reset_command, "대화 기억 지우기", "clear this conversation's memory", aliases=("초기화",))
    )
