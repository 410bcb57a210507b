"""The rules for department assistants, shared by chat commands and the CLI: who may do what,
unique names, immutable versions, publishing, rollback, soft delete and sharing.

Nothing here knows about messengers; every refusal is an AuthoringRefused carrying a message key.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from typing import Any

from pydantic import ValidationError

from assistants.naming import split_named
from assistants.registry import AssistantRegistry
from assistants.spec import AssistantSpec, Visibility, fold_name
from bot.authoring.policy import ContentPolicy, spec_texts
from bot.config import AppConfig
from bot.i18n import t
from bot.store.assistants_repository import AssistantRepository, AssistantState, EditConflict, NameTaken, VersionInfo

ROLES = ("member", "editor", "admin")
# Fields an editor may change with `/assistant edit` (and Korean names for them).
EDITABLE = (
    "name",
    "description",
    "system_prompt",
    "starters",
    "examples",
    "template",
    "style_guide",
    "model",
    "temperature",
    "max_output_tokens",
    "aliases",
    "skills",
    "knowledge",
    "visibility",
)
FIELD_ALIASES = {
    "prompt": "system_prompt",
    "이름": "name",
    "설명": "description",
    "프롬프트": "system_prompt",
    "시작질문": "starters",
    "예시": "examples",
    "양식": "template",
    "문체": "style_guide",
    "모델": "model",
    "별칭": "aliases",
    "공개범위": "visibility",
}


class AuthoringRefused(Exception):
    def __init__(self, key: str, **values: object):
        super().__init__(key)
        self.key, self.values = key, values

    def message(self, locale: str) -> str:
        return t(self.key, locale, **self.values)


@dataclass(frozen=True, slots=True)
class Author:
    """Who is acting, with their effective role in their department."""

    user_id: str
    department_id: str
    role: str
    locale: str = "ko"

    @property
    def can_edit(self) -> bool:
        return self.role in ("editor", "admin")

    @property
    def is_admin(self) -> bool:
        return self.role == "admin"


@dataclass(frozen=True, slots=True)
class Owned:
    """A department assistant as its editors see it: state plus latest version (drafts included)."""

    state: AssistantState
    spec: AssistantSpec


class AssistantStudio:
    def __init__(
        self,
        repository: AssistantRepository,
        registry: AssistantRegistry,
        policy: ContentPolicy,
        config: AppConfig,
        skills: tuple[str, ...] = (),
    ):
        self._repository = repository
        self._registry = registry
        self._policy = policy
        self._config = config
        self._skills = skills

    # ---- reading --------------------------------------------------------------------------

    async def owned(self, department_id: str, *, include_deleted: bool = False) -> list[Owned]:
        return [
            Owned(s, spec) for s, spec in await self._repository.latest(department_id, include_deleted=include_deleted)
        ]

    async def resolve(self, author: Author, text: str, *, include_deleted: bool = False) -> tuple[Owned, str]:
        """The author's department assistant named at the start of `text`, and the rest of the text.
        Other departments' assistants are never found here, whatever is typed."""
        owned = await self.owned(author.department_id, include_deleted=include_deleted)
        found = split_named(text, [(o, o.spec) for o in owned])
        if found is None:
            name = text.strip().split("\n")[0][:40]
            if not name:
                raise AuthoringRefused("authoring_need_name", usage="/assistant show 이름")
            raise AuthoringRefused("authoring_not_found", name=name)
        return found[0], found[2]

    async def history(self, author: Author, text: str) -> tuple[Owned, list[VersionInfo]]:
        owned, _ = await self.resolve(author, text, include_deleted=True)
        return owned, await self._repository.history(owned.state.id)

    # ---- writing --------------------------------------------------------------------------

    async def create(self, author: Author, fields: dict[str, Any], *, note: str = "") -> tuple[AssistantSpec, bool]:
        """Version 1 of a new department assistant, unpublished. Returns (spec, narrowed) where
        `narrowed` says a wider audience was asked for by a non-admin and the department was used."""
        self._require_editor(author)
        fields = dict(fields)
        narrowed = False
        if fields.get("visibility", "department") != "department" and not author.is_admin:
            fields["visibility"], narrowed = "department", True
        await self.check_name(author, fields.get("name", ""), exclude_id=None)
        spec = self.validated(
            author,
            {
                "visibility": "department",
                **fields,
                "id": f"{author.department_id}-{uuid.uuid4().hex[:8]}",
                "department": author.department_id,
                "owner": author.user_id,
                "version": 1,
            },
        )
        try:
            created = await self._repository.create(spec, by=author.user_id, note=note or "만듦")
        except NameTaken:
            raise AuthoringRefused("authoring_name_taken", name=spec.name) from None
        return created, narrowed

    async def edit(self, author: Author, owned: Owned, changes: dict[str, Any], *, note: str = "수정") -> AssistantSpec:
        self._require_editor(author)
        changes = {FIELD_ALIASES.get(k, k): v for k, v in changes.items()}
        unknown = sorted(set(changes) - set(EDITABLE))
        if unknown:
            raise AuthoringRefused(
                "authoring_edit_invalid",
                details=t(
                    "authoring_unknown_fields", author.locale, fields=", ".join(unknown), known=", ".join(EDITABLE)
                ),
            )
        if "visibility" in changes and changes["visibility"] != owned.spec.visibility and not author.is_admin:
            raise AuthoringRefused("authoring_admins_only", admins=self._admins(author.department_id))
        if "template" in changes:
            changes["template"] = [{"heading": s} if isinstance(s, str) else s for s in changes["template"] or []]
        if "name" in changes and fold_name(str(changes["name"])) != fold_name(owned.spec.name):
            await self.check_name(author, str(changes["name"]), exclude_id=owned.state.id)
        spec = self.validated(author, {**owned.spec.model_dump(), **changes})
        return await self._save(owned, spec, author, note, publish=False)

    async def publish(self, author: Author, owned: Owned) -> AssistantSpec:
        self._require_editor(author)
        if owned.state.published_version == owned.state.latest_version:
            raise AuthoringRefused(
                "authoring_already_published", name=owned.spec.name, version=owned.state.latest_version
            )
        await self._repository.publish(owned.state.id, owned.state.latest_version)
        return owned.spec

    async def rollback(self, author: Author, owned: Owned, target: int) -> tuple[AssistantSpec, bool]:
        """A new version with version `target`'s content (history stays immutable); published at once
        when the assistant was published, so the rollback takes effect for everyone."""
        self._require_editor(author)
        old = await self._repository.spec(owned.state.id, target)
        if old is None:
            raise AuthoringRefused(
                "authoring_no_such_version", name=owned.spec.name, version=target, latest=owned.state.latest_version
            )
        if fold_name(old.name) != fold_name(owned.spec.name):
            await self.check_name(author, old.name, exclude_id=owned.state.id)
        publish = owned.state.published_version is not None
        saved = await self._save(owned, old, author, f"버전 {target}(으)로 되돌림", publish=publish)
        return saved, publish

    async def share(self, author: Author, owned: Owned, visibility: Visibility) -> AssistantSpec:
        if not author.is_admin:
            raise AuthoringRefused("authoring_admins_only", admins=self._admins(author.department_id))
        spec = owned.spec.model_copy(update={"visibility": visibility})
        published = owned.state.published_version == owned.state.latest_version
        return await self._save(owned, spec, author, f"공개 범위: {self.audience(visibility, 'ko')}", publish=published)

    async def delete(self, author: Author, owned: Owned) -> None:
        self._require_editor(author)
        await self._repository.delete(owned.state.id)

    async def restore(self, author: Author, owned: Owned) -> None:
        self._require_editor(author)
        if not owned.state.deleted:
            raise AuthoringRefused("authoring_not_deleted", name=owned.spec.name)
        try:
            await self._repository.restore(owned.state.id)
        except NameTaken:
            raise AuthoringRefused("authoring_name_taken", name=owned.spec.name) from None

    # ---- helpers ----------------------------------------------------------------------------

    def parse_visibility(self, text: str) -> Visibility:
        """'부서'/'1' → department, '전체'/'2' → org, else department names or ids separated by commas."""
        word = text.strip().casefold()
        if word in ("1", "부서", "우리 부서", "우리부서", "department", "부서만"):
            return "department"
        if word in ("2", "전체", "구청 전체", "org", "office", "모두"):
            return "org"
        ids = []
        for part in filter(None, (p.strip() for p in text.replace("、", ",").split(","))):
            department = next(
                (d for d in self._config.departments if fold_name(d.name) == fold_name(part) or d.id == part), None
            )
            if department is None:
                raise AuthoringRefused("authoring_unknown_department", name=part)
            ids.append(department.id)
        if not ids:
            raise AuthoringRefused("authoring_unknown_department", name=text.strip())
        return ids

    def audience(self, visibility: Visibility, locale: str) -> str:
        if isinstance(visibility, str):
            return (
                t("authoring_audience_org", locale)
                if visibility == "org"
                else t("authoring_audience_department", locale)
            )
        names = {d.id: d.name for d in self._config.departments}
        return ", ".join(names.get(v, v) for v in visibility)

    def refusal_for_text(self, author: Author, *texts: str) -> str | None:
        return self._policy.refusal(author.department_id, list(texts), author.locale)

    def _admins(self, department_id: str) -> str:
        department = self._config.department(department_id)
        return (
            ", ".join(department.admins)
            if department and department.admins
            else self._config.organisation.support_contact
        )

    def _require_editor(self, author: Author) -> None:
        if not author.can_edit:
            raise AuthoringRefused(
                "authoring_editors_only", role=author.role, admins=self._admins(author.department_id)
            )

    async def check_name(self, author: Author, name: str, *, exclude_id: str | None) -> None:
        name = name.strip()
        if not name or len(name) > 40 or name[0] in "/@" or ":" in name:
            raise AuthoringRefused("authoring_name_invalid")
        official = await self._registry.official_named(name)
        if official is not None:
            raise AuthoringRefused("authoring_name_official", name=name, official=official.name)
        for owned in await self.owned(author.department_id):
            if owned.state.id != exclude_id and owned.spec.answers_to(name):
                raise AuthoringRefused("authoring_name_taken", name=name)

    def validated(self, author: Author, data: dict[str, Any]) -> AssistantSpec:
        """`data` as a spec that may be stored: valid fields, a known model and skills, clean text."""
        try:
            spec = AssistantSpec.model_validate(data)
        except ValidationError as error:
            details = "; ".join(f"{'.'.join(map(str, e['loc']))}: {e['msg']}" for e in error.errors())
            raise AuthoringRefused("authoring_edit_invalid", details=details) from None
        if spec.model != "default" and spec.model not in self._config.models:
            known = ", ".join(["default", *self._config.models])
            raise AuthoringRefused(
                "authoring_edit_invalid",
                details=t("authoring_unknown_model", author.locale, model=spec.model, known=known),
            )
        for skill in spec.skills:
            if skill not in self._skills:
                raise AuthoringRefused(
                    "authoring_edit_invalid",
                    details=t(
                        "authoring_unknown_skill", author.locale, skill=skill, known=", ".join(self._skills) or "-"
                    ),
                )
        refusal = self._policy.refusal(author.department_id, list(spec_texts(spec)), author.locale)
        if refusal:
            raise AuthoringRefused("authoring_policy", text=refusal)
        return spec

    async def _save(
        self, owned: Owned, spec: AssistantSpec, author: Author, note: str, *, publish: bool
    ) -> AssistantSpec:
        spec = spec.model_copy(update={"id": owned.state.id, "department": owned.state.department_id})
        try:
            return await self._repository.add_version(
                spec, after=owned.state.latest_version, by=author.user_id, note=note, publish=publish
            )
        except EditConflict:
            raise AuthoringRefused("authoring_edit_conflict", name=owned.spec.name) from None
        except NameTaken:
            raise AuthoringRefused("authoring_name_taken", name=spec.name) from None
