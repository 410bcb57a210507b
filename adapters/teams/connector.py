"""The CloudAdapter govbot uses: botbuilder's own, with connector calls retried on 429/5xx and a turn
error handler that logs (without content) and tells the user, so no event can stop the app."""

from __future__ import annotations

import logging
import uuid
from functools import partial
from typing import Any

from botbuilder.core import TurnContext
from botbuilder.integration.aiohttp import CloudAdapter
from botbuilder.schema import Activity, ActivityTypes, ResourceResponse
from botframework.connector.auth import BotFrameworkAuthentication

from adapters.teams.retry import RetryPolicy, with_retry
from bot.i18n import t

log = logging.getLogger(__name__)


class GovbotCloudAdapter(CloudAdapter):
    def __init__(self, authentication: BotFrameworkAuthentication, retry: RetryPolicy, *, locale: str, contact: str):
        super().__init__(authentication)
        self.retry = retry
        self._locale = locale
        self._contact = contact
        self.on_turn_error = self._turn_error

    async def send_activities(self, context: TurnContext, activities: list[Activity]) -> list[ResourceResponse]:
        responses: list[ResourceResponse] = []
        for activity in activities:
            if activity.type in (ActivityTypes.invoke_response, "delay"):
                responses.extend(await super().send_activities(context, [activity]))
                continue
            # A typing indicator is only worth sending now: never retried (Microsoft's guidance as well).
            policy = RetryPolicy(attempts=1) if activity.type == ActivityTypes.typing else self.retry
            sent = await with_retry(
                partial(CloudAdapter.send_activities, self, context, [activity]),
                policy,
                what=f"send {getattr(activity.type, 'value', activity.type)}",
            )
            responses.extend(sent)
        return responses

    async def update_activity(self, context: TurnContext, activity: Activity) -> Any:
        return await with_retry(
            lambda: CloudAdapter.update_activity(self, context, activity), self.retry, what="update"
        )

    async def _turn_error(self, context: TurnContext, error: Exception) -> None:
        ref = uuid.uuid4().hex[:8]
        log.error(
            "Teams turn failed (ref %s, activity type %s): %s",
            ref,
            context.activity.type,
            type(error).__name__,
            exc_info=error,
        )
        if context.activity.type != ActivityTypes.message:
            return
        try:
            await context.send_activity(t("internal_error", self._locale, contact=self._contact, ref=ref))
        except Exception as second:  # noqa: BLE001 - the connector itself is failing; the log above has it
            log.warning("could not tell the Teams user about error %s: %s", ref, type(second).__name__)
