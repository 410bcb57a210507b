"""Feedback on a model answer: the 👍/👎 buttons under it, and recording a press."""

from __future__ import annotations

from bot.conversation import Action, Button, Buttons, Reply
from bot.dispatch.identity import Identity
from bot.i18n import t
from bot.store import Store


def feedback_buttons(answer_id: str, locale: str) -> Buttons:
    up, down = ("👍 Helpful", "👎 Not helpful") if locale == "en" else ("👍 도움이 됐어요", "👎 아쉬워요")
    return Buttons((Button(up, "feedback", f"{answer_id}:up"), Button(down, "feedback", f"{answer_id}:down")))


async def record_feedback(store: Store, action: Action, identity: Identity) -> Reply:
    """Records "up"/"down" for an answer that exists; anything else (a forged or stale value) is refused."""
    answer_id, _, value = action.value.partition(":")
    if value not in ("up", "down") or not await store.usage.exists(answer_id):
        return Reply(t("feedback_unknown", identity.locale), kind="error")
    await store.feedback.record(answer_id, identity.user_id, action.platform, value)
    return Reply(t("feedback_thanks", identity.locale))
