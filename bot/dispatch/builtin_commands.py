"""The commands every user has: /help, /assistants, /use, /quota, /reset."""
from __future__ import annotations

from datetime import datetime

from adapters.base import Reply, Table
from bot.dispatch.commands import Command, CommandRegistry
from bot.dispatch.dispatcher import Turn, default_assistant
from bot.i18n import t
from bot.time import day_start, month_start


async def help_command(turn: Turn, args: str) -> Reply:
    services = turn.services
    current = await _current_assistant_name(turn)
    if turn.locale == "en":
        head = f"**govbot** for {services.config.organisation.name}. Current assistant: **{current}**.\n\nCommands:"
        tail = "Anything else you type goes to the current assistant. Start with `@name` to ask another assistant."
    else:
        head = f"**govbot** — {services.config.organisation.name} 업무 도우미입니다. 현재 도우미: **{current}**\n\n명령:"
        tail = "그 밖의 입력은 현재 도우미에게 전달됩니다. 다른 도우미에게 물으려면 `@이름`으로 시작하세요."
    offline = ""
    if services.offline:
        offline = "\n\n" + ("(Offline mode: no generative model is connected.)" if turn.locale == "en" else "(오프라인 모드: 생성형 모델이 연결되어 있지 않습니다.)")
    return Reply(f"{head}\n{services.commands.help_text(turn.locale)}\n\n{tail}{offline}")


async def assistants_command(turn: Turn, args: str) -> Reply:
    visible = await turn.services.assistants.visible(turn.identity.department.id)
    columns = ("Name", "Description", "Owner") if turn.locale == "en" else ("이름", "설명", "소속")
    departments = {d.id: d.name for d in turn.services.config.departments}
    office = "Office-wide" if turn.locale == "en" else "전체 공통"
    rows = tuple((s.name, s.description, departments.get(s.department or "", office)) for s in visible)
    intro = "Assistants you can use (`/use NAME`):" if turn.locale == "en" else "사용할 수 있는 도우미입니다(`/use 이름`으로 선택):"
    listing = "\n".join(f"- **{s.name}** — {s.description}" for s in visible)
    return Reply(f"{intro}\n{listing}", parts=[Table(columns, rows)])


async def use_command(turn: Turn, args: str) -> Reply:
    if not args:
        return Reply(t("use_needs_name", turn.locale), kind="error")
    spec = await turn.services.assistants.find(args, turn.identity.department.id)
    if spec is None:
        return Reply(t("unknown_assistant", turn.locale, name=args), kind="error")
    await turn.services.store.conversations.set_assistant(turn.message.conversation_key, spec.id, spec.version)
    reply = Reply(t("now_using", turn.locale, name=spec.name, description=spec.description), assistant=spec.name)
    if spec.starters:
        label = "Try:" if turn.locale == "en" else "이렇게 물어보세요:"
        reply.text += f"\n\n{label}\n" + "\n".join(f"- {s}" for s in spec.starters)
    return reply


async def quota_command(turn: Turn, args: str) -> Reply:
    config, department = turn.services.config, turn.identity.department
    now = datetime.now(config.zone)
    usage = turn.services.store.usage
    month = await usage.totals(department.id, month_start(now))
    today = await usage.totals(department.id, day_start(now))
    limit = department.quota.tokens_per_month
    limit_text = f"{limit:,}" if limit is not None else t("unlimited", turn.locale)
    return Reply(t("quota_status", turn.locale, department=department.name, used=month.tokens, limit=limit_text, requests_today=today.requests))


async def reset_command(turn: Turn, args: str) -> Reply:
    key = turn.message.conversation_key
    await turn.services.memory.clear(key, turn.conversation.id)
    return Reply(t("reset_done", turn.locale))


async def _current_assistant_name(turn: Turn) -> str:
    if turn.conversation.assistant_id:
        spec = await turn.services.assistants.get(turn.conversation.assistant_id, turn.identity.department.id)
        if spec is not None:
            return spec.name
    return (await default_assistant(turn.services, turn)).name


def register_builtin_commands(registry: CommandRegistry) -> None:
    registry.add(Command("help", help_command, "이 도움말", "this help", aliases=("도움말", "h")))
    registry.add(Command("assistants", assistants_command, "사용할 수 있는 도우미 목록", "list the assistants you can use", aliases=("도우미",)))
    registry.add(Command("use", use_command, "이 대화에서 쓸 도우미 선택", "choose the assistant for this conversation", usage="이름", aliases=("사용",)))
    registry.add(Command("quota", quota_command, "부서 사용량 보기", "show your department's usage", aliases=("사용량",)))
    registry.add(Command("reset", reset_command, "대화 기억 지우기", "clear this conversation's memory", aliases=("초기화",)))
