"""What the authoring commands say, Korean first, kept together so an office can review the wording."""

from __future__ import annotations

from bot.i18n import translate

MESSAGES: dict[str, dict[str, str]] = {
    "not_found": {
        "ko": "우리 부서에 '{name}' 도우미가 없습니다. `/assistant list`로 부서 도우미를 확인하세요.",
        "en": "Your department has no assistant named '{name}'. Type `/assistant list` to see them.",
    },
    "need_name": {"ko": "도우미 이름을 적어 주세요. 예: `{usage}`", "en": "Name the assistant, e.g. `{usage}`."},
    "editors_only": {
        "ko": "도우미를 만들거나 고치는 일은 부서의 편집자와 관리자만 할 수 있습니다(내 역할: {role}). 부서 관리자({admins})에게 편집 권한을 요청하세요.",
        "en": "Only your department's editors and admins can create or change assistants (your role: {role}). Ask an admin ({admins}) for the editor role.",
    },
    "admins_only": {
        "ko": "공개 범위와 역할은 부서 관리자만 바꿀 수 있습니다. 부서 관리자({admins})에게 요청하세요.",
        "en": "Only department admins can change sharing and roles. Ask an admin ({admins}).",
    },
    "name_official": {
        "ko": "'{name}'은(는) 구청 공식 도우미 '{official}'의 이름이라 쓸 수 없습니다. 다른 이름을 정해 주세요.",
        "en": "'{name}' is the name of the official assistant '{official}'. Choose another name.",
    },
    "name_taken": {
        "ko": "우리 부서에 이미 '{name}' 도우미가 있습니다. 다른 이름을 쓰거나 `/assistant edit {name}`으로 고치세요.",
        "en": "Your department already has an assistant named '{name}'. Choose another name or `/assistant edit {name}`.",
    },
    "name_invalid": {
        "ko": "도우미 이름은 1~40자이고 '/', '@', ':'로 시작하거나 들어갈 수 없습니다.",
        "en": "An assistant name has 1 to 40 characters and no '/', '@' or ':'.",
    },
    "prompt_missing": {
        "ko": "프롬프트(도우미에게 줄 지시문)를 이름 다음 줄에 적어 주세요. 예:\n```\n/assistant create 주차 민원 답변\n당신은 교통행정과의 민원 답변 도우미입니다. …\n```",
        "en": "Put the prompt (the assistant's instructions) on the line after the name, e.g.\n```\n/assistant create parking-replies\nYou help the traffic department answer complaints. …\n```",
    },
    "created": {
        "ko": "**{name}** 도우미를 만들었습니다(버전 1, 아직 게시 전). 시험: `/assistant try {name} 질문` · 게시: `/assistant publish {name}` · 수정: `/assistant edit {name}`",
        "en": "Created **{name}** (version 1, not yet published). Try: `/assistant try {name} question` · Publish: `/assistant publish {name}` · Edit: `/assistant edit {name}`",
    },
    "edited_draft": {
        "ko": "**{name}** 버전 {version}을(를) 저장했습니다. 게시 전까지 부서원은 버전 {published}을(를) 씁니다. 시험: `/assistant try {name} 질문` · 게시: `/assistant publish {name}`",
        "en": "Saved **{name}** version {version}. Until you publish it, everyone keeps using version {published}. Try: `/assistant try {name} question` · Publish: `/assistant publish {name}`",
    },
    "edited_unpublished": {
        "ko": "**{name}** 버전 {version}을(를) 저장했습니다(게시 전). 게시: `/assistant publish {name}`",
        "en": "Saved **{name}** version {version} (not yet published). Publish: `/assistant publish {name}`",
    },
    "edit_usage": {
        "ko": "바꿀 내용을 이름 다음 줄에 적어 주세요. 글만 적으면 프롬프트 전체를 바꾸고, 항목별로 바꾸려면 YAML로 적습니다:\n```\n/assistant edit {name}\ndescription: 주차 민원 회신문 초안\ntemplate: [요지, 답변, 관련 법령]\nexamples:\n  - question: 불법주차 신고했는데 왜 단속 안 하나요?\n    answer: 불편을 드려 죄송합니다. …\n```\n고칠 수 있는 항목: {fields}",
        "en": "Put the changes on the line after the name: plain text replaces the whole prompt; YAML changes single fields:\n```\n/assistant edit {name}\ndescription: drafts replies to parking complaints\ntemplate: [Summary, Answer, Legal basis]\n```\nFields: {fields}",
    },
    "policy": {"ko": "{text}", "en": "{text}"},
    "edit_invalid": {"ko": "저장하지 않았습니다: {details}", "en": "Not saved: {details}"},
    "unknown_fields": {
        "ko": "모르는 항목 {fields}. 고칠 수 있는 항목: {known}",
        "en": "unknown fields {fields}. Fields you can change: {known}",
    },
    "unknown_model": {
        "ko": "'{model}' 모델 별칭이 app.yaml에 없습니다({known} 중에서 고르세요)",
        "en": "model alias '{model}' is not in app.yaml (choose from {known})",
    },
    "unknown_skill": {
        "ko": "'{skill}' 기능은 없습니다({known} 중에서 고르세요)",
        "en": "no skill '{skill}' (choose from {known})",
    },
    "edit_conflict": {
        "ko": "그사이 다른 사람이 '{name}'을(를) 고쳤습니다. `/assistant show {name}`으로 최신 내용을 보고 다시 고쳐 주세요.",
        "en": "Someone changed '{name}' meanwhile. See the latest with `/assistant show {name}` and edit again.",
    },
    "published": {
        "ko": "**{name}** 버전 {version}을(를) 게시했습니다. 이제 {audience}이(가) `/use {name}` 또는 `@{name}`으로 쓸 수 있습니다.",
        "en": "Published **{name}** version {version}. {audience} can now use it with `/use {name}` or `@{name}`.",
    },
    "already_published": {
        "ko": "**{name}** 버전 {version}은(는) 이미 게시되어 있습니다.",
        "en": "**{name}** version {version} is already published.",
    },
    "rolled_back": {
        "ko": "**{name}**을(를) 버전 {target}의 내용으로 되돌렸습니다(새 버전 {version}{published}). 이력: `/assistant history {name}`",
        "en": "Rolled **{name}** back to the content of version {target} (new version {version}{published}). History: `/assistant history {name}`",
    },
    "rollback_usage": {
        "ko": "되돌릴 버전 번호를 적어 주세요. 예: `/assistant rollback {name} 1` (버전은 `/assistant history {name}`으로 확인)",
        "en": "Give the version number, e.g. `/assistant rollback {name} 1` (see `/assistant history {name}`).",
    },
    "no_such_version": {
        "ko": "'{name}'에는 버전 {version}이(가) 없습니다(1~{latest}).",
        "en": "'{name}' has no version {version} (1 to {latest}).",
    },
    "deleted": {
        "ko": "**{name}** 도우미를 삭제했습니다. 이력은 남아 있고, `/assistant restore {name}`으로 되살릴 수 있습니다.",
        "en": "Deleted **{name}**. Its history is kept; `/assistant restore {name}` brings it back.",
    },
    "restored": {"ko": "**{name}** 도우미를 되살렸습니다.", "en": "Restored **{name}**."},
    "not_deleted": {"ko": "'{name}'은(는) 삭제된 도우미가 아닙니다.", "en": "'{name}' is not deleted."},
    "shared": {
        "ko": "**{name}**의 공개 범위를 '{audience}'(으)로 바꿨습니다(버전 {version}).",
        "en": "**{name}** is now shared with {audience} (version {version}).",
    },
    "share_usage": {
        "ko": "공개 범위를 적어 주세요: `/assistant share {name} 부서` · `/assistant share {name} 전체` · `/assistant share {name} 도로과, 교통행정과`",
        "en": "Say with whom: `/assistant share {name} department` · `… org` · `… 도로과, 교통행정과`",
    },
    "unknown_department": {"ko": "'{name}' 부서를 찾을 수 없습니다.", "en": "No department named '{name}'."},
    "wider_needs_admin": {
        "ko": "편집자는 부서 안에서만 공개할 수 있어 '우리 부서'로 저장했습니다. 더 넓게 공유하려면 부서 관리자가 `/assistant share {name} 전체`를 실행하세요.",
        "en": "Editors share within the department only, so it was saved for your department. An admin can widen it with `/assistant share {name} org`.",
    },
    "try_usage": {
        "ko": "시험할 질문을 이름 뒤에 적어 주세요. 예: `/assistant try {name} 질문`",
        "en": "Put the question after the name, e.g. `/assistant try {name} question`.",
    },
    "try_header": {
        "ko": "_시험 실행: {name} 버전 {version} (게시 전 내용일 수 있음)_",
        "en": "_Trial run: {name} version {version} (may be unpublished)_",
    },
    "nothing_yet": {
        "ko": "우리 부서가 만든 도우미가 아직 없습니다. `/assistant new`로 안내를 받으며 만들어 보세요.",
        "en": "Your department has no assistants of its own yet. Start with `/assistant new`.",
    },
    "role_is": {"ko": "{department}에서 내 역할: **{role}**", "en": "Your role in {department}: **{role}**"},
    "role_set": {"ko": "{user}의 역할을 **{role}**(으)로 정했습니다.", "en": "{user} is now **{role}**."},
    "role_cleared": {
        "ko": "{user}의 역할을 app.yaml 설정으로 되돌렸습니다.",
        "en": "{user}'s role follows app.yaml again.",
    },
    "role_usage": {
        "ko": "사용법: `/role` (내 역할) · `/role list` · `/role 사용자ID member|editor|admin` · `/role 사용자ID reset` (관리자만)",
        "en": "Usage: `/role` (yours) · `/role list` · `/role USER member|editor|admin` · `/role USER reset` (admins only)",
    },
    "usage": {
        "ko": "도우미 만들기·관리 명령:\n- `/assistant new` — 질문에 답하며 새 도우미 만들기\n- `/assistant create 이름` + 다음 줄에 프롬프트 — 한 번에 만들기\n- `/assistant try 이름 질문` — 게시 전 시험\n- `/assistant publish 이름` — 게시\n- `/assistant edit 이름` + 다음 줄에 바꿀 내용 — 수정(새 버전)\n- `/assistant show 이름` · `/assistant history 이름` · `/assistant rollback 이름 버전`\n- `/assistant delete 이름` · `/assistant restore 이름` · `/assistant share 이름 부서|전체|부서명…`\n- `/assistant list` — 우리 부서 도우미",
        "en": "Creating and managing assistants:\n- `/assistant new` — guided creation\n- `/assistant create NAME` + prompt on the next line\n- `/assistant try NAME question` — test before publishing\n- `/assistant publish NAME`\n- `/assistant edit NAME` + changes on the next line (new version)\n- `/assistant show NAME` · `/assistant history NAME` · `/assistant rollback NAME VERSION`\n- `/assistant delete NAME` · `/assistant restore NAME` · `/assistant share NAME department|org|departments…`\n- `/assistant list` — your department's assistants",
    },
    "unknown_sub": {"ko": "'{sub}'은(는) 알 수 없는 하위 명령입니다.", "en": "Unknown subcommand '{sub}'."},
    # the guided dialogue
    "dlg_start": {
        "ko": "새 도우미를 만듭니다. 네 가지만 물어볼게요(언제든 `취소`라고 쓰면 그만둡니다).\n\n**1/4. 도우미 이름**을 정해 주세요. 예: 주차 민원 답변",
        "en": "Let's make a new assistant: four questions (type `cancel` to stop at any time).\n\n**1/4. The assistant's name**, e.g. parking-replies",
    },
    "dlg_purpose": {
        "ko": "**2/4. 무엇을 하는 도우미인가요?** 누가 어떤 일에 쓰는지 한두 문장으로 적어 주세요.\n예: 불법주정차 민원에 보낼 회신문 초안을 관련 법령을 들어 정중하게 써 줍니다.",
        "en": "**2/4. What is it for?** One or two sentences on who uses it for what.",
    },
    "dlg_example": {
        "ko": "**3/4. 좋은 답변의 예**를 하나 보여 주세요. `질문: …` 줄과 `답변: …` 줄로 쓰면 예시 문답으로 저장됩니다. 없으면 `건너뛰기`.",
        "en": "**3/4. An example of a good answer.** Write `Q: …` and `A: …` lines to keep it as an example exchange, or `skip`.",
    },
    "dlg_audience": {
        "ko": "**4/4. 누가 쓸 수 있나요?** `1` 우리 부서만 · `2` 구청 전체 · 또는 부서 이름들(쉼표로 구분)",
        "en": "**4/4. Who may use it?** `1` my department · `2` the whole office · or department names separated by commas",
    },
    "dlg_empty": {"ko": "답을 적어 주세요(그만두려면 `취소`).", "en": "Please type an answer (or `cancel`)."},
    "dlg_drafting": {"ko": "답변을 바탕으로 프롬프트 초안을 쓰는 중…", "en": "Drafting the prompt from your answers…"},
    "dlg_review": {
        "ko": "프롬프트 초안입니다:\n\n```\n{prompt}\n```\n\n그대로 저장하려면 `저장`, 고치려면 고친 프롬프트 전체를 보내 주세요. 그만두려면 `취소`.",
        "en": "Here is the draft prompt:\n\n```\n{prompt}\n```\n\nType `save` to keep it, send a corrected prompt to replace it, or `cancel`.",
    },
    "dlg_write_prompt": {
        "ko": "생성형 모델이 연결되어 있지 않아 프롬프트를 직접 써 주세요. 도우미가 지켜야 할 역할, 말투, 하지 말아야 할 일을 적으면 됩니다.\n예: 당신은 {department}의 도우미입니다. {purpose}",
        "en": "No generative model is connected, so write the prompt yourself: the assistant's role, tone and what it must not do.",
    },
    "dlg_cancelled": {
        "ko": "도우미 만들기를 그만뒀습니다. 아무것도 저장하지 않았습니다.",
        "en": "Stopped. Nothing was saved.",
    },
    "dlg_bad_audience": {
        "ko": "`1`(우리 부서), `2`(구청 전체) 또는 부서 이름을 적어 주세요. {detail}",
        "en": "Type `1` (my department), `2` (whole office) or department names. {detail}",
    },
    "dlg_draft_failed": {
        "ko": "초안을 만들지 못했습니다({reason}). 프롬프트를 직접 써서 보내 주세요.",
        "en": "The draft could not be made ({reason}). Please write the prompt yourself.",
    },
}

AUDIENCE = {
    "department": {"ko": "우리 부서", "en": "your department"},
    "org": {"ko": "구청 전체", "en": "the whole office"},
}


def say(key: str, locale: str = "ko", **values: object) -> str:
    return translate(MESSAGES, key, locale, **values)
