"""A reason for a priority in both languages: the Korean sentence is the string itself (tables, files and the
CLI show it, as before), the English one rides along for readers whose locale is English. Sentences come from the
gettext catalogs (bot/locale), never from the code."""

from __future__ import annotations


class Reason(str):
    """One reason, Korean as its value, English in `.en`."""

    en: str

    def __new__(cls, pair: tuple[str, str]) -> Reason:
        made = super().__new__(cls, pair[0])
        made.en = pair[1]
        return made

    def __reduce__(self) -> tuple[type[Reason], tuple[tuple[str, str]]]:
        return (Reason, ((str(self), self.en),))  # results cross process boundaries (document workers)

    def text(self, locale: str) -> str:
        return self.en if locale == "en" else str(self)


def localized(reason: str, locale: str) -> str:
    """`reason` in `locale` (a plain string, e.g. written by a model, stays as it is)."""
    return reason.text(locale) if isinstance(reason, Reason) else reason
