"""Why a gateway call did not produce an answer, in words an official can act on."""

from __future__ import annotations

from bot.gateway.types import Decision


class GatewayError(Exception):
    """A call ended without an answer. `status` follows OpenAI's HTTP conventions for the API endpoint."""

    decision: Decision = "failed"
    status: int = 500
    code: str = "gateway_error"

    def __init__(self, message_ko: str, message_en: str, *, retry_after: int | None = None):
        """Both languages, taken from the catalog where the error is raised: the gateway does not know who reads
        it (a chat user in either language, or an API client that gets both)."""
        super().__init__(message_en)
        self.message_ko = message_ko
        self.message_en = message_en
        self.messages = {"ko": message_ko, "en": message_en}
        self.retry_after = retry_after

    def message(self, locale: str = "ko") -> str:
        """The message in `locale`, Korean when the locale is unknown (as `bot.i18n.t`)."""
        return self.messages.get(locale, self.message_ko)


class PolicyBlocked(GatewayError):
    """Input or output broke an office policy (personal information, prohibited words)."""

    decision: Decision = "blocked"
    status = 400
    code = "policy_blocked"


class QuotaExceeded(GatewayError):
    decision: Decision = "refused_quota"
    status = 429
    code = "quota_exceeded"


class NotAuthorised(GatewayError):
    decision: Decision = "blocked"
    status = 403
    code = "not_authorised"


class ModelNotAllowed(NotAuthorised):
    """The department may not use this model alias (app.yaml departments[].models)."""

    code = "model_not_allowed"


class ProviderError(Exception):
    """One provider attempt failed; `retryable` says whether trying the same target again may help."""

    def __init__(
        self,
        provider: str,
        model: str,
        reason: str,
        *,
        retryable: bool,
        status: int | None = None,
        retry_after: float | None = None,
    ):
        super().__init__(f"{provider}/{model}: {reason}")
        self.provider = provider
        self.model = model
        self.reason = reason
        self.retryable = retryable
        self.status = status
        self.retry_after = retry_after  # seconds the provider asked us to wait (its Retry-After), if any


class AllProvidersFailed(GatewayError):
    decision: Decision = "failed"
    status = 503
    code = "provider_unavailable"

    def __init__(self, message_ko: str, message_en: str, attempts: list[ProviderError]):
        super().__init__(message_ko, message_en)
        self.attempts = attempts
