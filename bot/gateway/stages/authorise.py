"""First stage: a call must be billed to a department the office knows, and use a model alias that
department may use (app.yaml departments[].models; absent means all), so a department key cannot
reach an external model its office kept off its list."""

from __future__ import annotations

from bot.config import AppConfig, Department
from bot.gateway.errors import ModelNotAllowed, NotAuthorised
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream
from bot.gateway.types import GatewayCall
from bot.i18n import ko_en


class Authorise:
    name = "authorise"

    def __init__(self, config: AppConfig):
        self._departments: dict[str, Department] = {d.id: d for d in config.departments}
        self._contact = config.organisation.support_contact

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        request = call.request
        department = self._departments.get(request.department_id)
        if department is None:
            raise NotAuthorised(*ko_en("gateway_unknown_department", department=request.department_id))
        if not department.may_use(request.model):
            allowed = ", ".join(department.models or []) or "-"
            raise ModelNotAllowed(
                *ko_en(
                    "gateway_model_not_allowed",
                    name=department.name,
                    model=request.model,
                    allowed=allowed,
                    contact=self._contact,
                )
            )
        return await next(call)
