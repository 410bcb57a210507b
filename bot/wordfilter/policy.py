"""The office's prohibited-word policy for one department and assistant: one decision shared by the gateway
stage and whoever else needs it, so none of them reaches into another to learn it."""

from __future__ import annotations

from dataclasses import dataclass

from bot.config import WORD_CATEGORIES, AppConfig, WordRules


@dataclass(frozen=True, slots=True)
class WordPolicy:
    action: str  # for the official's own words: block | mask | warn
    quoted_action: str  # for text quoted from a citizen
    categories: tuple[str, ...]  # built-in categories checked
    min_severity: int
    classifier: bool  # count what the statistical model flags and the lexicon does not (admins' counts only)


def word_policy(config: AppConfig, department_id: str, assistant_id: str | None = None) -> WordPolicy:
    """The department's rules over the office's; an assistant's own action over both."""
    office = config.filters.words
    department = config.department(department_id)
    own = department.words if department else WordRules()

    def first(*values):
        return next((v for v in values if v is not None), None)

    by_assistant = None
    if assistant_id is not None:
        by_assistant = first(own.assistants.get(assistant_id), office.assistants.get(assistant_id))
    return WordPolicy(
        action=first(by_assistant, own.action, office.action, "block"),
        quoted_action=first(own.quoted_action, office.quoted_action, "mask"),
        categories=tuple(first(own.categories, office.categories, list(WORD_CATEGORIES))),
        min_severity=first(own.min_severity, office.min_severity, 1),
        classifier=first(own.classifier, office.classifier, False),
    )
