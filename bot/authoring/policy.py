"""What an assistant may hold: no personal information and no prohibited words, checked with the same
detectors and per-department actions the gateway applies to every model call."""

from __future__ import annotations

from collections.abc import Iterator

from assistants.spec import AssistantSpec
from bot.config import AppConfig
from bot.gateway.stages.words import BlockProhibitedWords
from bot.i18n import t
from bot.privacy import scan_pii
from bot.privacy.policy import pii_actions


def spec_texts(spec: AssistantSpec) -> Iterator[str]:
    """Every piece of text a spec would send to a model or show to officials."""
    yield from (spec.name, spec.description, spec.system_prompt, spec.style_guide, *spec.aliases, *spec.starters)
    for example in spec.examples:
        yield from (example.question, example.answer)
    for section in spec.template:
        yield from (section.heading, section.guidance)


class ContentPolicy:
    def __init__(self, config: AppConfig):
        self._config = config
        self._words = BlockProhibitedWords(config)

    def problems(self, department_id: str, texts: list[str] | tuple[str, ...]) -> tuple[list[str], bool]:
        """(kinds of personal information found, whether a prohibited word was found) in `texts`.
        Types the office allows (e.g. business registration numbers) do not count."""
        actions = pii_actions(self._config, department_id)
        matcher = self._words.matcher(department_id)
        kinds: set[str] = set()
        words = False
        for text in texts:
            if not text:
                continue
            kinds |= {f.type for f in scan_pii(text) if actions.get(f.type, "mask") != "allow"}
            words = words or bool(matcher.find(text))
        return sorted(kinds), words

    def refusal(self, department_id: str, texts: list[str] | tuple[str, ...], locale: str) -> str | None:
        """A sentence saying why the text cannot be kept, or None when it may be."""
        kinds, words = self.problems(department_id, texts)
        if not kinds and not words:
            return None
        # one catalog message per PII type: pii_rrn, pii_phone, ...
        found_parts: list[str] = []
        if kinds:
            what = ", ".join(t(f"pii_{k}", locale) for k in kinds)
            found_parts.append(t("authoring_policy_pii", locale, kinds=what))
        if words:
            found_parts.append(t("authoring_policy_words", locale))
        found = t("authoring_policy_and", locale).join(found_parts)
        return t("authoring_policy_refusal", locale, found=found)
