"""User-facing sentences in Korean first, with English: one gettext catalog per language.

Every sentence lives in `bot/locale/{ko,en}/LC_MESSAGES/govbot.po`, so an office reviews the wording in one
place and the request path asks for a sentence by a stable message id, never by building or picking strings:

    t("unknown_user", locale, user=..., contact=...)

The msgid is the id ("unknown_user"), the msgstr the sentence; placeholders are `str.format` fields
(`{name}`, `{count:,}`) and are the same in both languages (tests/unit/test_i18n_catalogs.py checks that, and
that every id used in the code exists in both catalogs).

How to add or change a message (the old MESSAGES dict is gone: a dict entry from another branch moves here):
1. Use it in the code with a literal id: `t("new_id", locale, **values)`; objects that carry both languages use
   `ko_en("new_id", **values)`; a command's help is `Command(name, handler, "command_help_name")`. A literal
   (not inside an f-string, not chosen by a conditional expression) lets `pybabel extract` and the test see it.
2. Run `make messages`: `pybabel extract` writes the template `bot/locale/govbot.pot` (build output, not in git),
   the ids the .po files lack are added to both with an empty msgstr (`python -m bot.i18n add-missing`; it never
   removes an id), and the .mo files are compiled.
3. Fill in the sentence in BOTH `bot/locale/ko/LC_MESSAGES/govbot.po` and `bot/locale/en/LC_MESSAGES/govbot.po`
   (or add the `msgid "new_id"` / `msgstr "..."` pair to both by hand, next to related messages), then run
   `make messages` (or `make test`) again to compile. The i18n test fails while a msgstr is empty.

The .mo files are build output (`make install` runs `pybabel compile`; `make test`/`make run` recompile an outdated
one). Without a compiled or with an outdated .mo (e.g. after a plain `pip install -e .`), the .po is compiled in
memory at first use, once per language, so nothing breaks.
"""

from __future__ import annotations

import functools
import gettext
from io import BytesIO
from pathlib import Path
from typing import Literal

Locale = Literal["ko", "en"]
LOCALES: tuple[Locale, ...] = ("ko", "en")
DOMAIN = "govbot"
LOCALE_DIR = Path(__file__).parent / "locale"


def catalog_path(locale: str, suffix: str = ".po") -> Path:
    return LOCALE_DIR / locale / "LC_MESSAGES" / f"{DOMAIN}{suffix}"


@functools.cache
def translations(locale: str) -> gettext.GNUTranslations:
    """The catalog of `locale` (Korean when the locale is unknown), loaded once: it is never changed."""
    if locale not in LOCALES:
        locale = "ko"
    po, mo = catalog_path(locale), catalog_path(locale, ".mo")
    if mo.exists() and (not po.exists() or mo.stat().st_mtime >= po.stat().st_mtime):
        with mo.open("rb") as compiled:
            return gettext.GNUTranslations(compiled)
    return gettext.GNUTranslations(_compile(po, locale))


def _compile(po: Path, locale: str) -> BytesIO:
    """The .mo bytes of `po`, built in memory (what `pybabel compile` writes to disk). Babel is imported here, not
    at start-up: with compiled catalogs the request path needs only the standard library's gettext."""
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import read_po

    with po.open("rb") as source:
        catalog = read_po(source, locale=locale, domain=DOMAIN)
    compiled = BytesIO()
    write_mo(compiled, catalog)
    compiled.seek(0)
    return compiled


def t(key: str, locale: str = "ko", **values: object) -> str:
    """The sentence `key` in `locale` (Korean when the locale is unknown), filled with `values`.

    An unknown id raises KeyError, as a missing dict entry did: a typo must fail loudly in the tests."""
    sentence = translations(locale).gettext(key)
    if sentence == key:
        raise KeyError(key)
    return sentence.format(**values)


def ko_en(key: str, **values: object) -> tuple[str, str]:
    """(Korean, English) of message `key`, for objects made where the reader's language is not known yet and that
    carry both (gateway refusals, problems in a complaint list that the XLSX export shows in both)."""
    return t(key, "ko", **values), t(key, "en", **values)


def both(key: str, **values: object) -> str:
    """Korean, then English, in one line: for answers whose reader's language is unknown and that are never split
    apart again (HTTP error bodies of the web chat, Teams and /v1 endpoints; start-up problems)."""
    ko, en = ko_en(key, **values)
    return f"{ko} / {en}"


class LocalizedValueError(ValueError):
    """A ValueError that is catalog message `key`: `.ko` and `.en` for whoever shows it (the config checker, the
    CLI), so nobody splits a joined "Korean / English" string apart; str() is both, for logs and pydantic."""

    def __init__(self, key: str, **values: object):
        self.key = key
        self.ko, self.en = ko_en(key, **values)
        super().__init__(f"{self.ko} / {self.en}")


def add_missing(template: Path) -> dict[str, list[str]]:
    """Adds the ids of `template` (from `pybabel extract`) that a .po file lacks, with an empty msgstr; never
    removes one (ids built at run time, such as quota_limit_<name>, are not in the template). Returns what was
    added per language. Used by `make messages`; not on the request path."""
    from babel.messages.pofile import read_po, write_po

    with template.open("rb") as source:
        wanted = [message.id for message in read_po(source) if message.id]
    added: dict[str, list[str]] = {}
    for locale in LOCALES:
        po = catalog_path(locale)
        with po.open("rb") as source:
            catalog = read_po(source, locale=locale, domain=DOMAIN)
        missing = [key for key in wanted if isinstance(key, str) and key not in catalog]
        for key in missing:
            catalog.add(key, "")
        if missing:
            with po.open("wb") as target:
                write_po(target, catalog, width=120, no_location=True)
        added[locale] = missing
    return added


if __name__ == "__main__":
    import sys

    if len(sys.argv) != 3 or sys.argv[1] != "add-missing":
        raise SystemExit("usage: python -m bot.i18n add-missing bot/locale/govbot.pot")
    for language, ids in add_missing(Path(sys.argv[2])).items():
        print(f"{language}: {len(ids)} new id(s) to translate" + (": " + ", ".join(ids) if ids else ""))
