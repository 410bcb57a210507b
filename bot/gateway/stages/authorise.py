"""First stage: a call must be billed to a department the office knows."""

from __future__ import annotations

from bot.config import AppConfig
from bot.gateway.errors import NotAuthorised
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream
from bot.gateway.types import GatewayCall
from bot.i18n import ko_en


class Authorise:
    name = "authorise"

    def __init__(self, config: AppConfig):
        self._departments = {d.id for d in config.departments}

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        if call.request.department_id not in self._departments:
            raise NotAuthorised(*ko_en("gateway_unknown_department", department=call.request.department_id))
        return await next(call)
