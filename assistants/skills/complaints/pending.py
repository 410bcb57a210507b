"""Large complaint lists waiting for the official's go-ahead before the model reads them.

The triage result already shown is kept, sealed, under the button's token. With Redis configured it is kept there
(the volatile shared state, like the placeholder vault), so the button works whichever serve process receives the
press; without Redis, or while Redis cannot be reached, it stays in this process (one process, or sticky sessions),
because a masked complaint list is conversation content and must not be written to the database. A token is taken
once: two presses, even on two processes at the same moment, start one model pass.

The result is pickled: it is a graph of dataclasses (complaints, scores, clusters) that only this code makes and
reads. A value is unpickled only after AES-GCM has authenticated it under the installation's key, so nothing but a
govbot process of the same installation can have written it.
"""

from __future__ import annotations

import pickle
import secrets
from dataclasses import dataclass

from assistants.skills.complaints.enrich import ModelHelper
from assistants.skills.complaints.pipeline import TriageResult
from bot.gateway.pipeline import Gateway
from bot.shared_state import SealedState, StateUnavailable, process_state

PENDING_READS = "complaint-read"


@dataclass(frozen=True, slots=True)
class Caller:
    """Whose list it is and where the model pass is billed: the fields of the ModelHelper that made it."""

    user_id: str
    department_id: str
    conversation_key: str
    platform: str
    assistant_id: str | None
    model: str

    @classmethod
    def of(cls, helper: ModelHelper) -> Caller:
        return cls(
            helper.user_id,
            helper.department_id,
            helper.conversation_key,
            helper.platform,
            helper.assistant_id,
            helper.model,
        )

    def helper(self, gateway: Gateway) -> ModelHelper:
        """A helper on this process's gateway, billed to the same department, user and assistant."""
        return ModelHelper(
            gateway,
            self.department_id,
            self.user_id,
            self.conversation_key,
            self.platform,
            self.assistant_id,
            self.model,
        )


@dataclass(slots=True)
class PendingRead:
    """A large list waiting for the button (the calls and tokens were shown in `note`)."""

    caller: Caller
    result: TriageResult
    note: str  # the cost shown with the offline result; dropped once the model has read the list


class PendingReads:
    def __init__(self, volatile: SealedState | None, ttl_seconds: float) -> None:
        """`volatile`: the installation's Redis-only shared state (None without Redis: this process only)."""
        self._shared = volatile
        self._local = process_state()  # without Redis, and for lists put while Redis was away
        self._ttl = ttl_seconds

    async def put(self, pending: PendingRead) -> str:
        token = secrets.token_urlsafe(12)
        value = pickle.dumps(pending, protocol=pickle.HIGHEST_PROTOCOL)
        if self._shared is not None:
            try:
                await self._shared.put(PENDING_READS, token, value, self._ttl)
                return token
            except StateUnavailable:
                pass  # Redis away: the button works on this process (the bot's answer is not lost)
        await self._local.put(PENDING_READS, token, value, self._ttl)
        return token

    async def peek(self, token: str) -> PendingRead | None:
        """The pending read, left in place (to check whose it is before taking it)."""
        return _loaded(await self._read(token, take=False))

    async def take(self, token: str) -> PendingRead | None:
        """The pending read, removed in the same step: only one press, on any process, gets it."""
        return _loaded(await self._read(token, take=True))

    async def _read(self, token: str, *, take: bool) -> bytes | None:
        for state in (self._shared, self._local):
            if state is None:
                continue
            try:
                raw = await (state.take if take else state.get)(PENDING_READS, token)
            except StateUnavailable:
                continue
            if raw is not None:
                return raw
        return None


def _loaded(raw: bytes | None) -> PendingRead | None:
    if raw is None:
        return None
    try:
        pending = pickle.loads(raw)  # noqa: S301 - authenticated by SealedState before it gets here (module docstring)
    except (pickle.UnpicklingError, AttributeError, ImportError, TypeError, EOFError):
        return None  # written by another govbot version during an upgrade: the button answers "expired"
    return pending if isinstance(pending, PendingRead) else None
