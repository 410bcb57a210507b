"""app.yaml: the office's own decisions, parsed into strict pydantic models.

Unknown keys and wrong types are errors, reported with their YAML path and line in Korean and
English, because an admin editing YAML by hand must be told exactly what to fix.
"""

from __future__ import annotations

import functools
import os
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal, TypeVar
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

import yaml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    create_model,
    field_validator,
    model_validator,
)

from assistants.spec import AssistantSpec
from bot.i18n import LocalizedValueError

PiiAction = Literal["mask", "block", "allow"]
Role = Literal["member", "editor", "admin"]
# The largest limit we accept: exact in 64-bit counters and in every JSON client (2^53). A larger one
# is a typo, and values past int32/int64 used to break every call on PostgreSQL.
MAX_LIMIT = 2**53
S = TypeVar("S", bound=BaseModel)


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Organisation(_Strict):
    name: str = Field(min_length=1)
    locale: Literal["ko", "en"] = "ko"
    timezone: str = "Asia/Seoul"
    ai_notice: str = "이 답변은 생성형 AI가 작성했습니다. 사실관계와 법령은 담당자가 확인하세요."
    support_contact: str = "정보화 담당 부서"
    admins: list[str] = Field(
        default_factory=list,
        description="Office admins (member user ids): they change office-wide knowledge collections",
    )

    @field_validator("timezone")
    @classmethod
    def _known_zone(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError) as error:
            raise LocalizedValueError("config_unknown_timezone", value=value) from error
        return value


class Provider(_Strict):
    id: str = Field(pattern=r"^[A-Za-z0-9_-]+$")
    kind: Literal["openai", "offline"] = "openai"
    base_url: str | None = None
    api_key_env: str | None = Field(None, description="Name of the environment variable holding the key")
    timeout_seconds: float = Field(60.0, gt=0, le=600)
    max_retries: int = Field(2, ge=0, le=10)
    # OpenAI-style tool calling (`tools`, `tool_calls`): on for OpenAI and servers started with it (vLLM
    # --enable-auto-tool-choice); off, the model never sees tools and officials use the tools' commands.
    tools: bool = False

    def has_credentials(self, environ: dict[str, str] | None = None) -> bool:
        """Usable without a human: offline always; openai with its key set, or keyless on-premises."""
        env = os.environ if environ is None else environ
        if self.kind == "offline":
            return True
        if self.api_key_env:
            return bool(env.get(self.api_key_env))
        return self.base_url is not None


class ModelTarget(_Strict):
    provider: str
    model: str = Field(min_length=1)


class Member(_Strict):
    user: str = Field(min_length=1, description="Intranet login id (web chat, console)")
    name: str = Field(min_length=1)
    role: Role = "member"
    email: str | None = None
    slack: str | None = None
    teams: str | None = None


class Channels(_Strict):
    slack: list[str] = Field(default_factory=list)
    teams: list[str] = Field(default_factory=list)
    web: list[str] = Field(default_factory=list)


def _limit_in_range(value: int | None) -> int | None:
    if value is not None and not 0 <= value <= MAX_LIMIT:
        raise ValueError(
            f"한도는 0 이상 {MAX_LIMIT:,} 이하여야 합니다({value:,}은 범위를 벗어납니다). 제한을 없애려면 항목을 지우세요. "
            f"/ A limit must be between 0 and {MAX_LIMIT:,} ({value:,} is out of range); remove the key for no limit."
        )
    return value


class Quota(_Strict):
    tokens_per_day: int | None = None
    tokens_per_month: int | None = None
    requests_per_day: int | None = None
    user_tokens_per_day: int | None = None
    user_requests_per_minute: int | None = None
    assistant_tokens_per_day: dict[str, int] = Field(default_factory=dict, description="assistant id → tokens per day")

    @field_validator(
        "tokens_per_day", "tokens_per_month", "requests_per_day", "user_tokens_per_day", "user_requests_per_minute"
    )
    @classmethod
    def _in_range(cls, value: int | None) -> int | None:
        return _limit_in_range(value)

    @field_validator("assistant_tokens_per_day")
    @classmethod
    def _assistants_in_range(cls, value: dict[str, int]) -> dict[str, int]:
        for limit in value.values():
            _limit_in_range(limit)
        return value


WordAction = Literal["block", "mask", "warn"]
WORD_CATEGORIES = ("profanity", "sexual", "slur_gender", "slur_origin", "slur_politics", "threat")


class WordRules(_Strict):
    """Prohibited words: what happens to them (office-wide in `filters.words`, per department in `words`).

    `action` applies to the official's own words, `quoted_action` to text quoted from a citizen (after 민원:,
    in quotation marks, attachments, complaint triage); `assistants` overrides `action` per assistant id.
    Unset fields fall back to the office's, then to block / mask / every category / severity 1."""

    action: WordAction | None = None
    quoted_action: WordAction | None = None
    categories: list[str] | None = Field(None, description=f"built-in categories checked: {', '.join(WORD_CATEGORIES)}")
    min_severity: int | None = Field(None, ge=1, le=3, description="ignore built-in words below this severity")
    assistants: dict[str, WordAction] = Field(default_factory=dict)
    classifier: bool | None = Field(
        None, description="also count messages the statistical model finds abusive (never blocks or masks)"
    )

    @field_validator("categories")
    @classmethod
    def _known_categories(cls, value: list[str] | None) -> list[str] | None:
        unknown = sorted(set(value or ()) - set(WORD_CATEGORIES))
        if unknown:
            raise ValueError(f"unknown word categories {unknown}; known: {list(WORD_CATEGORIES)}")
        return value


class Department(_Strict):
    id: str = Field(pattern=r"^[a-z0-9][a-z0-9_-]*$")
    name: str = Field(min_length=1)
    members: list[Member] = Field(default_factory=list)
    directory_groups: list[str] = Field(default_factory=list)
    channels: Channels = Channels()
    responsibilities: list[str] = Field(default_factory=list)
    quota: Quota = Quota()
    admins: list[str] = Field(default_factory=list)
    default_assistant: str | None = None
    prohibited_words: list[str] = Field(default_factory=list)
    words: WordRules = WordRules()
    pii: dict[str, PiiAction] = Field(default_factory=dict)
    models: list[str] | None = Field(
        None, description="Model aliases this department may use (absent: all). An external model stays off the list."
    )

    def may_use(self, alias: str) -> bool:
        return self.models is None or alias in self.models


class Filters(_Strict):
    pii: dict[str, PiiAction] = Field(default_factory=dict)
    builtin_prohibited_words: bool = True
    prohibited_words: list[str] = Field(default_factory=list)
    prohibited_words_file: Path | None = None
    allow_words: list[str] = Field(default_factory=list)
    words: WordRules = WordRules()


class Retention(_Strict):
    store_content: bool = False
    memory_tokens: int = Field(3000, ge=0, le=200_000)
    memory_ttl_minutes: int = Field(120, ge=1)
    metadata_days: int = Field(365, ge=1)


# Words officials type → the statute's words (key: the statute's word, value: what people write instead).
# app.yaml `knowledge.thesaurus` adds to and overrides these.
DEFAULT_THESAURUS: dict[str, list[str]] = {
    "현수막": ["플래카드", "플랭카드", "플랜카드", "펼침막", "걸개"],
    "정당": ["당"],
    "옥외광고물": ["간판광고"],
    "민원 처리에 관한 법률": ["민원처리법", "민원법"],
    "옥외광고물 등의 관리와 옥외광고산업 진흥에 관한 법률": ["옥외광고물법", "옥외광고법", "광고물법"],
    "여비": ["출장비", "출장여비"],
    "운임": ["교통비", "차비", "기차비"],  # 공무원여비규정 says 운임 for fares
    "반환": ["돌려주", "돌려받", "돌려달"],  # 광고물등의 반환 (returning removed signs)
}


class KnowledgeSource(_Strict):
    """A collection app.yaml keeps loaded: ingested at start-up and by `govbot knowledge sync`."""

    name: str = Field(min_length=1)
    paths: list[str] = Field(min_length=1, description="Files or folders; relative ones from app.yaml's folder")
    department: str | None = Field(None, description="Owning department (absent: the whole office)")
    private: bool = Field(False, description="Visible to the owning department only")


class KnowledgeEmbeddings(_Strict):
    """Hybrid search: passages and questions embedded through the gateway (billed and audited like chat)."""

    model: str = Field(min_length=1, description="A `models` alias whose targets serve /v1/embeddings")
    department: str | None = Field(
        None,
        description="Who pays for embedding office-wide collections and app.yaml/CLI loads (absent: the first department)",
    )


class Knowledge(_Strict):
    thesaurus: dict[str, list[str]] = Field(default_factory=dict)
    embeddings: KnowledgeEmbeddings | None = Field(None, description="Absent: lexical search only")
    collections: list[KnowledgeSource] = Field(default_factory=list)
    min_ratio: float | None = Field(
        None,
        ge=0,
        le=1,
        description="A stricter floor on top score / ideal score, applied on top of the calibrated relevance model",
    )

    other_acts: dict[str, list[str]] = Field(
        default_factory=dict,
        description="act → topic terms only it uses: a question on such a topic, when the searched collections lack "
        "the act and their evidence is weak, gets 'nothing relevant' with a hint naming the act",
    )

    @field_validator("other_acts")
    @classmethod
    def _topic_terms(cls, value: dict[str, list[str]]) -> dict[str, list[str]]:
        owner: dict[str, str] = {}
        for act, terms in value.items():
            if not act.strip() or not terms:
                raise ValueError(f"other_acts: {act!r} needs a name and at least one topic term")
            for term in terms:
                key = "".join(str(term).split()).lower()
                if len(key) < 2:
                    raise ValueError(f"other_acts: {act!r} has a topic term shorter than two characters: {term!r}")
                if owner.setdefault(key, act) != act:
                    raise ValueError(
                        f"other_acts: the topic term {term!r} is listed for both {owner[key]!r} and {act!r}"
                    )
        return value

    def merged_thesaurus(self) -> dict[str, list[str]]:
        merged = {key: list(values) for key, values in DEFAULT_THESAURUS.items()}
        for key, values in self.thesaurus.items():
            merged[key] = sorted({*merged.get(key, []), *values})
        return merged


class AppConfig(_Strict):
    organisation: Organisation
    providers: list[Provider] = Field(default_factory=list)
    models: dict[str, list[ModelTarget]] = Field(default_factory=dict)
    departments: list[Department] = Field(min_length=1)
    default_assistant: str = "general"
    assistants: list[AssistantSpec] = Field(default_factory=list)
    filters: Filters = Filters()
    retention: Retention = Retention()
    # Each skill's own section (e.g. `complaints:`) is added by `with_sections`: see assistants/skills/registry.py.
    knowledge: Knowledge = Knowledge()
    # id -> department, built on first use for the list it was built from (the model is frozen; a copy with other
    # departments has another list): several stages ask for the caller's department on every call.
    _department_index: tuple[list[Department], dict[str, Department]] | None = PrivateAttr(default=None)

    def department(self, department_id: str) -> Department | None:
        index = self._department_index
        if index is None or index[0] is not self.departments:
            by_id: dict[str, Department] = {}
            for department in self.departments:
                by_id.setdefault(department.id, department)
            index = self._department_index = (self.departments, by_id)
        return index[1].get(department_id)

    @model_validator(mode="after")
    def _embeddings_known(self) -> AppConfig:
        """An unknown embeddings alias would fall back to the chat model: refuse it when app.yaml is read."""
        embeddings = self.knowledge.embeddings
        if embeddings is None:
            return self
        if embeddings.model not in self.models:
            raise ValueError(f"knowledge.embeddings.model {embeddings.model!r} is not one of `models`")
        if embeddings.department is not None and self.department(embeddings.department) is None:
            raise ValueError(f"knowledge.embeddings.department {embeddings.department!r} is not a department")
        return self

    def embeddings_payer(self, department_id: str | None) -> str:
        """The department billed for embedding a collection's passages: its own, else the configured one."""
        if department_id and self.department(department_id) is not None:
            return department_id
        configured = self.knowledge.embeddings.department if self.knowledge.embeddings else None
        return configured or self.departments[0].id

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.organisation.timezone)


# ---- loading and errors -------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ConfigError:
    path: str  # e.g. "departments[1].quota.tokens_per_day"
    line: int | None
    ko: str
    en: str

    def __str__(self) -> str:
        where = f"{self.path or '(문서 전체)'}" + (f" (줄 {self.line})" if self.line else "")
        return f"{where}: {self.ko} / {self.en}"


class ConfigInvalid(Exception):
    def __init__(self, source: str, errors: list[ConfigError]):
        self.source = source
        self.errors = errors
        super().__init__(f"{source}: " + "; ".join(str(e) for e in errors))


_PYDANTIC_KO: dict[str, tuple[str, str]] = {
    "missing": ("필수 항목이 없습니다.", "This field is required."),
    "extra_forbidden": ("알 수 없는 항목입니다. 철자를 확인하세요.", "Unknown key; check the spelling."),
    "int_parsing": ("정수여야 합니다.", "Must be a whole number."),
    "int_type": ("정수여야 합니다.", "Must be a whole number."),
    "float_parsing": ("숫자여야 합니다.", "Must be a number."),
    "bool_parsing": ("true 또는 false여야 합니다.", "Must be true or false."),
    "string_type": ("문자열이어야 합니다.", "Must be text."),
    "list_type": ("목록(- 항목)이어야 합니다.", "Must be a list."),
    "dict_type": ("항목: 값 형태여야 합니다.", "Must be a mapping of key: value."),
    "model_type": ("항목: 값 형태여야 합니다.", "Must be a mapping of key: value."),
    "string_too_short": ("비어 있으면 안 됩니다.", "Must not be empty."),
    "too_short": ("항목이 하나 이상 있어야 합니다.", "Needs at least one entry."),
    "string_pattern_mismatch": (
        "영문 소문자, 숫자, -, _ 로만 쓰세요.",
        "Use lowercase letters, digits, '-' and '_' only.",
    ),
    "greater_than_equal": ("값이 너무 작습니다.", "Value is too small."),
    "greater_than": ("값이 너무 작습니다.", "Value is too small."),
    "less_than_equal": ("값이 너무 큽니다.", "Value is too large."),
}


def _yaml_path(loc: tuple[Any, ...]) -> str:
    path = ""
    for part in loc:
        if isinstance(part, int):
            path += f"[{part}]"
        elif not str(part).startswith(("function-", "literal[", "list[", "str", "union[")):
            path += f".{part}" if path else str(part)
    return path


def _line_of(root: yaml.Node | None, loc: tuple[Any, ...]) -> int | None:
    """1-based line of the YAML node at `loc`, or of its nearest existing parent."""
    node, line = root, (root.start_mark.line + 1 if root is not None else None)
    for part in loc:
        if isinstance(node, yaml.MappingNode):
            found = next((v for k, v in node.value if getattr(k, "value", None) == part), None)
            if found is None:
                key = next((k for k, _ in node.value if getattr(k, "value", None) == part), None)
                return key.start_mark.line + 1 if key is not None else line
            node = found
        elif isinstance(node, yaml.SequenceNode) and isinstance(part, int) and part < len(node.value):
            node = node.value[part]
        else:
            break
        line = node.start_mark.line + 1
    return line


def _from_validation(error: ValidationError, root: yaml.Node | None) -> list[ConfigError]:
    out = []
    for item in error.errors():
        loc = tuple(item["loc"])
        kind = item["type"]
        if kind == "literal_error":
            allowed = item.get("ctx", {}).get("expected", "")
            ko, en = f"허용된 값이 아닙니다. 다음 중 하나를 쓰세요: {allowed}", f"Not allowed; use one of: {allowed}"
        elif kind == "value_error" and isinstance(cause := item.get("ctx", {}).get("error"), LocalizedValueError):
            ko, en = cause.ko, cause.en
        elif kind in _PYDANTIC_KO:
            ko, en = _PYDANTIC_KO[kind]
        else:
            ko, en = f"값이 올바르지 않습니다 ({item['msg']}).", item["msg"]
        out.append(ConfigError(_yaml_path(loc), _line_of(root, loc), ko, en))
    return out


def _cross_check(config: AppConfig, tools: Collection[str] | None = None) -> list[tuple[tuple[Any, ...], str, str]]:
    """References between sections: what pydantic cannot see field by field. `tools`: the registered tool names
    (assistants/tools/registry.py), when the caller knows them, so an assistant's `tools:` entry is checked."""
    problems: list[tuple[tuple[Any, ...], str, str]] = []
    provider_ids = [p.id for p in config.providers]
    for i, pid in enumerate(provider_ids):
        if provider_ids.count(pid) > 1:
            problems.append(
                (("providers", i, "id"), f"공급자 id '{pid}'가 중복됩니다.", f"Duplicate provider id '{pid}'.")
            )
    for alias, targets in config.models.items():
        for j, target in enumerate(targets):
            if target.provider not in provider_ids:
                problems.append(
                    (
                        ("models", alias, j, "provider"),
                        f"providers에 없는 공급자 '{target.provider}'입니다.",
                        f"Provider '{target.provider}' is not defined under providers.",
                    )
                )
    seen_users: dict[str, str] = {}
    dept_ids = [d.id for d in config.departments]
    for i, dept in enumerate(config.departments):
        if dept_ids.count(dept.id) > 1:
            problems.append(
                (
                    ("departments", i, "id"),
                    f"부서 id '{dept.id}'가 중복됩니다.",
                    f"Duplicate department id '{dept.id}'.",
                )
            )
        members = {m.user for m in dept.members}
        for j, member in enumerate(dept.members):
            if member.user in seen_users:
                problems.append(
                    (
                        ("departments", i, "members", j, "user"),
                        f"사용자 '{member.user}'가 '{seen_users[member.user]}' 부서에도 있습니다. 한 부서에만 두세요.",
                        f"User '{member.user}' is also in department '{seen_users[member.user]}'; keep one.",
                    )
                )
            seen_users[member.user] = dept.id
        for j, alias in enumerate(dept.models or []):
            if alias not in config.models and (config.models or alias != "default"):
                problems.append(
                    (
                        ("departments", i, "models", j),
                        f"models에 없는 모델 별칭 '{alias}'입니다.",
                        f"Model alias '{alias}' is not under models.",
                    )
                )
        for j, admin in enumerate(dept.admins):
            if admin not in members:
                problems.append(
                    (
                        ("departments", i, "admins", j),
                        f"관리자 '{admin}'는 이 부서의 members에 없습니다.",
                        f"Admin '{admin}' is not among this department's members.",
                    )
                )
    for j, admin in enumerate(config.organisation.admins):
        if admin not in seen_users:
            problems.append(
                (
                    ("organisation", "admins", j),
                    f"기관 관리자 '{admin}'는 어느 부서의 members에도 없습니다.",
                    f"Office admin '{admin}' is not a member of any department.",
                )
            )
    for i, source in enumerate(config.knowledge.collections):
        if source.department is not None and source.department not in dept_ids:
            problems.append(
                (
                    ("knowledge", "collections", i, "department"),
                    f"없는 부서 '{source.department}'입니다.",
                    f"Unknown department '{source.department}'.",
                )
            )
    for i, spec in enumerate(config.assistants):
        if spec.department is not None and spec.department not in dept_ids:
            problems.append(
                (
                    ("assistants", i, "department"),
                    f"없는 부서 '{spec.department}'입니다.",
                    f"Unknown department '{spec.department}'.",
                )
            )
        for j, name in enumerate(spec.tools):
            if tools is not None and name not in tools:
                known = ", ".join(sorted(tools)) or "-"
                problems.append(
                    (
                        ("assistants", i, "tools", j),
                        f"등록되지 않은 도구 '{name}'입니다. 쓸 수 있는 도구: {known}",
                        f"No tool named '{name}' is registered; available tools: {known}",
                    )
                )
        if spec.model not in config.models and config.models:
            problems.append(
                (
                    ("assistants", i, "model"),
                    f"models에 없는 모델 별칭 '{spec.model}'입니다.",
                    f"Model alias '{spec.model}' is not under models.",
                )
            )
    return problems


def credential_warnings(config: AppConfig, environ: Mapping[str, str]) -> list[ConfigError]:
    """Providers that cannot be used because their key variable is unset (the names, never values):
    valid YAML, but govbot would quietly answer from the offline engine instead."""
    warnings = []
    for i, provider in enumerate(config.providers):
        if provider.kind == "offline" or provider.has_credentials(dict(environ)):
            continue
        if provider.api_key_env:
            ko = (
                f"공급자 '{provider.id}'의 키 환경 변수 {provider.api_key_env}가 설정되어 있지 않아 이 공급자를 쓰지 않습니다"
                f"(남은 공급자가 없으면 오프라인 모드). {provider.api_key_env}를 설정하세요."
            )
            en = (
                f"Provider '{provider.id}': environment variable {provider.api_key_env} is not set, so it is not used "
                f"(offline mode if no provider is left). Set {provider.api_key_env}."
            )
        else:
            ko = f"공급자 '{provider.id}'에 api_key_env도 base_url도 없어 쓰지 않습니다."
            en = f"Provider '{provider.id}' has neither api_key_env nor base_url, so it is not used."
        warnings.append(ConfigError(f"providers[{i}].api_key_env", None, ko, en))
    return warnings


@functools.cache
def _sectioned(sections: tuple[tuple[str, type[BaseModel]], ...]) -> type[AppConfig]:
    fields: dict[str, Any] = {name: (model, Field(default_factory=model)) for name, model in sections}
    return create_model("AppConfig", __base__=AppConfig, __module__=__name__, **fields)


def with_sections(sections: Mapping[str, type[BaseModel]]) -> type[AppConfig]:
    """AppConfig plus one top-level section per skill (name -> the skill's own settings model), so a skill
    owns its settings while app.yaml stays one strict document: unknown keys and wrong values inside a
    section are reported with their YAML path like any other."""
    return _sectioned(tuple(sorted(sections.items())))


def section(config: AppConfig, name: str, model: type[S]) -> S:
    """A skill's settings from `config`; the defaults when the config was parsed without that section."""
    value = getattr(config, name, None)
    return value if isinstance(value, model) else model()


def parse_config(
    text: str, source: str = "app.yaml", model: type[AppConfig] = AppConfig, tools: Collection[str] | None = None
) -> AppConfig:
    """Parse app.yaml text; raise ConfigInvalid listing every problem with its path and line.
    `model`: AppConfig with the skills' sections (`with_sections`); `tools`: the registered tool names, checked
    against the assistants' `tools:`. The office's full document is parsed through assistants.skills.registry."""
    try:
        root = yaml.compose(text)
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = mark.line + 1 if mark else None
        problem = getattr(error, "problem", None) or str(error)
        raise ConfigInvalid(
            source, [ConfigError("", line, f"YAML 문법 오류입니다: {problem}", f"YAML syntax error: {problem}")]
        ) from error
    if not isinstance(data, dict):
        raise ConfigInvalid(
            source, [ConfigError("", 1, "최상위는 항목: 값 형태여야 합니다.", "The top level must be a mapping.")]
        )
    try:
        config = model.model_validate(data)
    except ValidationError as error:
        raise ConfigInvalid(source, _from_validation(error, root)) from None
    problems = _cross_check(config, tools)
    if problems:
        raise ConfigInvalid(
            source, [ConfigError(_yaml_path(loc), _line_of(root, loc), ko, en) for loc, ko, en in problems]
        )
    return config


def load_config(path: Path, model: type[AppConfig] = AppConfig, tools: Collection[str] | None = None) -> AppConfig:
    """Read and parse app.yaml at `path` (see parse_config for `model` and `tools`)."""
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise ConfigInvalid(
            str(path), [ConfigError("", None, f"설정 파일이 없습니다: {path}", f"Config file not found: {path}")]
        ) from None
    config = parse_config(text, str(path), model, tools)
    words_file = config.filters.prohibited_words_file
    if words_file is not None and not words_file.is_absolute():
        words_file = path.parent / words_file  # relative to app.yaml, not to wherever govbot was started
        config = config.model_copy(
            update={"filters": config.filters.model_copy(update={"prohibited_words_file": words_file})}
        )
    if words_file is not None and not words_file.is_file():
        raise ConfigInvalid(
            str(path),
            [
                ConfigError(
                    "filters.prohibited_words_file",
                    None,
                    f"금칙어 파일이 없습니다: {words_file}",
                    f"Prohibited-words file not found: {words_file}",
                )
            ],
        )
    return config
