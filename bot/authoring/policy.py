"""What an assistant may hold: no personal information and no prohibited words, checked with the same
detectors and per-department actions the gateway applies to every model call."""

from __future__ import annotations

from collections.abc import Iterator

from assistants.spec import AssistantSpec
from bot.config import AppConfig
from bot.gateway.stages.words import BlockProhibitedWords
from bot.privacy import LABELS_EN, LABELS_KO, scan_pii
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
        if locale == "en":
            what = ", ".join(LABELS_EN[k] for k in kinds)
            found = " and ".join(
                filter(None, [what and f"personal information ({what})", words and "a prohibited expression"])
            )
            return f"This cannot be saved: it contains {found}. Assistant prompts must hold neither. Remove it and send again."
        what = ", ".join(LABELS_KO[k] for k in kinds)
        found = "와 ".join(filter(None, [what and f"개인정보({what})", words and "금칙어"]))
        return f"저장할 수 없습니다: {found}가 들어 있습니다. 도우미 프롬프트에는 개인정보나 금칙어를 넣을 수 없으니 지운 뒤 다시 보내 주세요."
