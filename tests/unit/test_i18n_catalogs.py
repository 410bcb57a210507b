"""The message catalogs: every message in both languages, with the same placeholders, every id the code asks for
present, and the catalogs usable without a compiled .mo (a plain `pip install -e .`)."""

from __future__ import annotations

import ast
import gettext
import os
import shutil
import string
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_dir
from babel.messages.pofile import read_po

from bot import i18n
from bot.privacy import PII_TYPES
from bot.quota.limits import LABELS_KO as QUOTA_LIMIT_NAMES

ROOT = Path(__file__).resolve().parents[2]
SOURCES = ("bot", "adapters", "assistants")
# Calls with a message id, and which positional argument it is: t("id", locale, ...), ko_en("id", ...), the
# exceptions made of a message id, and a command's one-line help (the Makefile's `messages` extracts the same).
ID_CALLS = {
    "t": 0,
    "_": 0,
    "ko_en": 0,
    "AuthoringRefused": 0,
    "LocalizedValueError": 0,
    "PackageError": 0,
    "both": 0,
    "LimitExceeded": 0,
    "Command": 2,
    "SheetError": 0,
}


def _catalog(locale: str) -> dict[str, str]:
    with i18n.catalog_path(locale).open("rb") as source:
        return {m.id: m.string for m in read_po(source, locale=locale) if m.id}


def _fields(sentence: str) -> set[tuple[str, str]]:
    """The str.format fields of a sentence, with their format spec: ("used", ",") for "{used:,}". A date's
    strftime spec ("{resets_at:%Y-%m-%d}") is each language's own and is compared by name only."""
    return {
        (name, "" if "%" in (spec or "") else spec or "")
        for _, name, spec, _ in string.Formatter().parse(sentence)
        if name is not None
    }


def _ids_in_code() -> dict[str, list[str]]:
    """Literal message ids of t("..."), ko_en("...") and AuthoringRefused("...") calls, with where each is used."""
    found: dict[str, list[str]] = {}
    for package in SOURCES:
        for path in sorted((ROOT / package).rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
            for node in ast.walk(tree):
                if not isinstance(node, ast.Call):
                    continue
                name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
                index = ID_CALLS.get(name or "")
                if index is None or len(node.args) <= index:
                    continue
                argument = node.args[index]
                if isinstance(argument, ast.Constant) and isinstance(argument.value, str):
                    found.setdefault(argument.value, []).append(f"{path.relative_to(ROOT)}:{node.lineno}")
    return found


KO, EN = _catalog("ko"), _catalog("en")


def test_both_languages_have_the_same_ids() -> None:
    assert sorted(set(KO) - set(EN)) == [], "in ko, missing in en"
    assert sorted(set(EN) - set(KO)) == [], "in en, missing in ko"
    assert len(KO) > 150  # the whole catalog, not an empty file that agrees with itself


def test_no_message_is_empty() -> None:
    for locale, catalog in (("ko", KO), ("en", EN)):
        assert [key for key, sentence in catalog.items() if not sentence.strip()] == [], locale


# The known differences, kept so behaviour stays unchanged: the Korean sentence shows an example prompt built from
# the creator's answers, or repeats the rejected value; the English one does not (str.format ignores unused values).
# Nothing else may differ.
ONLY_IN_KOREAN = {
    "authoring_dlg_write_prompt": {("department", ""), ("purpose", "")},
    "teams_package_bad_app_id": {("app_id", "")},
    "teams_package_bad_domain": {("domain", "")},
}


def test_placeholders_match_between_languages() -> None:
    different = {}
    for key in KO.keys() & EN.keys():
        ko, en = _fields(KO[key]), _fields(EN[key])
        if ko - ONLY_IN_KOREAN.get(key, set()) != en or not ONLY_IN_KOREAN.get(key, set()) <= ko:
            different[key] = (ko, en)
    assert different == {}


def test_korean_is_korean() -> None:
    """A Korean catalog with English sentences pasted in would pass every check above."""
    hangul = [key for key, sentence in KO.items() if any("\uac00" <= ch <= "\ud7a3" for ch in sentence)]
    assert len(hangul) > 0.9 * len(KO)
    assert not any(any("\uac00" <= ch <= "\ud7a3" for ch in EN[key]) for key in ("unknown_user", "reset_done"))


def test_every_id_used_in_the_code_is_in_the_catalogs() -> None:
    used = _ids_in_code()
    assert len(used) > 100, "the AST walk found the calls"
    assert {key: where for key, where in used.items() if key not in KO or key not in EN} == {}


def test_every_message_in_the_catalogs_is_used() -> None:
    """No dead sentences, and `make messages` (which adds what extraction finds) sees every id: each is a literal
    in a call, except the two families whose id is built from a name (next test)."""
    used = _ids_in_code()
    unused = sorted(key for key in KO if key not in used and not key.startswith(RUN_TIME_FAMILIES))
    assert unused == []


# tool_<name>_…: each tool's questions and help, by its name and its fields (bot/tools/base.py)
RUN_TIME_FAMILIES = ("quota_limit_", "pii_", "download_refused_", "tool_")


def test_make_messages_extracts_what_the_code_uses() -> None:
    """`make messages` (pybabel extract with the Makefile's keywords) sees the same ids as the AST walk: an id hidden
    where extraction cannot see it (inside an f-string, behind a conditional) would never reach a new .po entry."""
    makefile = (ROOT / "Makefile").read_text(encoding="utf-8")
    keywords = dict.fromkeys(makefile.split("KEYWORDS :=", 1)[1].split("\n", 1)[0].split()[1::2])
    specs = {k.split(":")[0]: ((int(k.split(":")[1]),) if ":" in k else None) for k in keywords}
    assert set(specs) == set(ID_CALLS)
    extracted: set[str] = set()
    for package in SOURCES:
        for _, _, message, _, _ in extract_from_dir(ROOT / package, keywords=specs, comment_tags=()):
            extracted.add(message if isinstance(message, str) else message[0])
    assert extracted == set(_ids_in_code())


def test_ids_built_at_run_time_are_in_the_catalogs() -> None:
    """quota_limit_<name> and pii_<type> are looked up with the name in the id (bot/dispatch/builtin_commands.py,
    bot/authoring/policy.py): every name they can take has its message."""
    wanted = {f"quota_limit_{name}" for name in QUOTA_LIMIT_NAMES} | {f"pii_{kind}" for kind in PII_TYPES}
    assert sorted(wanted - set(KO)) == []
    assert sorted(wanted - set(EN)) == []


def test_sentences_are_the_catalogs_verbatim() -> None:
    assert i18n.t("reset_done", "ko") == "대화 기억을 지웠습니다. 새 질문을 해 주세요."
    assert i18n.t("reset_done", "en") == "The conversation memory is cleared. Ask a new question."
    assert i18n.t("reset_done", "fr") == i18n.t("reset_done", "ko"), "unknown locales read Korean"
    assert (
        i18n.t("triage_analysing", "ko", count=12345)
        == "민원 12,345건을 분석하는 중입니다(개인정보 가림, 묶기, 우선순위)…"
    )
    assert (
        i18n.t("triage_analysing", "en", count=12345) == "Analysing 12,345 complaints (masking, clustering, priority)…"
    )
    with pytest.raises(KeyError):
        i18n.t("no_such_message_id", "ko")


def test_a_missing_mo_is_compiled_in_memory(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A plain `pip install -e .` has no .mo files: the .po is compiled at first use, with the same result."""
    for locale in i18n.LOCALES:
        target = tmp_path / locale / "LC_MESSAGES"
        target.mkdir(parents=True)
        shutil.copy(i18n.catalog_path(locale), target / "govbot.po")
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert not list(tmp_path.rglob("*.mo"))
        assert i18n.t("unknown_assistant", "ko", name="보도자료") == (
            "'보도자료' 도우미를 찾을 수 없습니다. `/assistants`로 사용할 수 있는 도우미를 확인하세요."
        )
        assert i18n.t("feedback_thanks", "en") == "Thank you for the feedback."
    finally:
        i18n.translations.cache_clear()


def test_a_compiled_mo_is_used_and_an_outdated_one_is_not(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """`pybabel compile` output is read when present; a .mo older than its .po (edited without `make messages`)
    is ignored, so a stale build cannot hide an edited sentence."""
    from babel.messages.catalog import Catalog
    from babel.messages.mofile import write_mo
    from babel.messages.pofile import write_po

    target = tmp_path / "ko" / "LC_MESSAGES"
    target.mkdir(parents=True)
    compiled = Catalog(locale="ko", fuzzy=False)
    compiled.add("reset_done", "컴파일된 문장")
    with (target / "govbot.mo").open("wb") as out:
        write_mo(out, compiled)
    monkeypatch.setattr(i18n, "LOCALE_DIR", tmp_path)
    i18n.translations.cache_clear()
    try:
        assert isinstance(i18n.translations("ko"), gettext.GNUTranslations)
        assert i18n.t("reset_done", "ko") == "컴파일된 문장"  # no .po beside it: the .mo is all there is

        edited = Catalog(locale="ko", fuzzy=False)
        edited.add("reset_done", "고친 문장")
        with (target / "govbot.po").open("wb") as out:
            write_po(out, edited)
        mo = target / "govbot.mo"
        old = mo.stat().st_mtime - 60
        os.utime(mo, (old, old))
        i18n.translations.cache_clear()
        assert i18n.t("reset_done", "ko") == "고친 문장"
    finally:
        i18n.translations.cache_clear()
