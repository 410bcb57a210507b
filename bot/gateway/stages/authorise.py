"""First stage: a call must be billed to a department the office knows, and use a model alias that
department may use (app.yaml departments[].models; absent means all), so a department key cannot
reach an external model its office kept off its list."""

from __future__ import annotations

from bot.config import AppConfig, Department
from bot.gateway.errors import ModelNotAllowed, NotAuthorised
from bot.gateway.pipeline import Next
from bot.gateway.stream import ReplyStream
from bot.gateway.types import GatewayCall


class Authorise:
    name = "authorise"

    def __init__(self, config: AppConfig):
        self._departments: dict[str, Department] = {d.id: d for d in config.departments}
        self._contact = config.organisation.support_contact

    async def __call__(self, call: GatewayCall, next: Next) -> ReplyStream:
        request = call.request
        department = self._departments.get(request.department_id)
        if department is None:
            raise NotAuthorised(
                f"등록되지 않은 부서({request.department_id})의 요청입니다.",
                f"Unknown department '{request.department_id}'.",
            )
        if not department.may_use(request.model):
            allowed = ", ".join(department.models or []) or "-"
            raise ModelNotAllowed(
                f"{department.name}은(는) 모델 '{request.model}'을(를) 쓸 수 없습니다(허용: {allowed}). "
                f"필요하면 {self._contact}에 app.yaml의 departments[].models 변경을 요청하세요.",
                f"Department '{department.id}' may not use model '{request.model}' (allowed: {allowed}). "
                f"Ask {self._contact} to change departments[].models in app.yaml if you need it.",
            )
        return await next(call)
