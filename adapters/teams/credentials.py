"""Bot Framework credentials, read from the environment under the names Microsoft's samples and
Azure Bot Service use, in the shape `ConfigurationBotFrameworkAuthentication` reads them."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

APP_TYPES = ("MultiTenant", "SingleTenant", "UserAssignedMSI")


@dataclass(frozen=True)
class BotFrameworkConfig:
    """Attributes named as botbuilder's ConfigurationServiceClientCredentialFactory expects them."""

    APP_ID: str = ""
    APP_PASSWORD: str = ""
    APP_TYPE: str = "MultiTenant"
    APP_TENANTID: str = ""

    @classmethod
    def from_env(cls, environ: Mapping[str, str]) -> BotFrameworkConfig:
        return cls(
            APP_ID=environ.get("MicrosoftAppId", "").strip(),
            APP_PASSWORD=environ.get("MicrosoftAppPassword", ""),
            APP_TYPE=environ.get("MicrosoftAppType", "").strip() or "MultiTenant",
            APP_TENANTID=environ.get("MicrosoftAppTenantId", "").strip(),
        )

    @property
    def emulator_mode(self) -> bool:
        """No app id: development against the Bot Framework Emulator (or a fake connector); no tokens either way."""
        return not self.APP_ID

    def problems(self) -> list[str]:
        """What is missing for the configured app type, as Korean / English sentences (empty when usable)."""
        if self.emulator_mode:
            return []
        problems: list[str] = []
        if self.APP_TYPE.casefold() not in {t.casefold() for t in APP_TYPES}:
            problems.append(
                f"MicrosoftAppType은 {', '.join(APP_TYPES)} 중 하나여야 합니다. / MicrosoftAppType must be one of {', '.join(APP_TYPES)}."
            )
        kind = self.APP_TYPE.casefold()
        if kind in ("multitenant", "singletenant") and not self.APP_PASSWORD:
            problems.append("MicrosoftAppPassword가 필요합니다. / MicrosoftAppPassword is required.")
        if kind in ("singletenant", "userassignedmsi") and not self.APP_TENANTID:
            problems.append("MicrosoftAppTenantId가 필요합니다. / MicrosoftAppTenantId is required for this app type.")
        return problems
