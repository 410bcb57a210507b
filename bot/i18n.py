"""User-facing sentences in Korean first, with English.

Keeping every sentence here lets an office review the wording in one place and keeps the
request path free of string building scattered across modules.
"""

from __future__ import annotations

from typing import Literal

Locale = Literal["ko", "en"]

MESSAGES: dict[str, dict[str, str]] = {
    "unknown_user": {
        "ko": "govbot에 등록되지 않은 사용자입니다({user}). 소속 부서 관리자나 {contact}에 등록을 요청해 주세요.",
        "en": "You are not registered with govbot ({user}). Ask your department admin or {contact} to add you.",
    },
    "all_providers_failed": {
        "ko": "지금은 AI 모델에 연결할 수 없습니다. 잠시 후 다시 시도해 주세요. 계속되면 {contact}에 알려 주세요.",
        "en": "The AI model cannot be reached right now. Please try again shortly; if it persists, tell {contact}.",
    },
    "unknown_command": {
        "ko": "알 수 없는 명령입니다: {command}. `/help`로 사용할 수 있는 명령을 확인하세요.",
        "en": "Unknown command: {command}. Type `/help` to see the commands.",
    },
    "unknown_assistant": {
        "ko": "'{name}' 도우미를 찾을 수 없습니다. `/assistants`로 사용할 수 있는 도우미를 확인하세요.",
        "en": "No assistant named '{name}'. Type `/assistants` to list the ones you can use.",
    },
    "thread_assistant_unavailable": {
        "ko": "이 스레드는 소속 부서에서 쓸 수 없는 도우미로 진행 중입니다. 새 스레드에서 질문하거나 `@도우미이름 질문`으로 물어 주세요.",
        "en": "This thread uses an assistant your department cannot use. Ask in a new thread, or ask `@assistant question`.",
    },
    "use_needs_name": {
        "ko": "사용할 도우미 이름을 적어 주세요. 예: `/use 보도자료`",
        "en": "Name the assistant to use, e.g. `/use 보도자료`.",
    },
    "now_using": {
        "ko": "이제 이 대화에서 **{name}** 도우미를 사용합니다. {description}",
        "en": "This conversation now uses the **{name}** assistant. {description}",
    },
    "reset_done": {
        "ko": "대화 기억을 지웠습니다. 새 질문을 해 주세요.",
        "en": "The conversation memory is cleared. Ask a new question.",
    },
    "message_too_long": {
        "ko": "메시지가 너무 깁니다({length:,}자, 최대 {limit:,}자). 필요한 부분만 나눠 보내거나 파일로 첨부해 주세요.",
        "en": "The message is too long ({length:,} characters, at most {limit:,}). Send the part you need, or attach it as a file.",
    },
    "user_id_too_long": {
        "ko": "사용자 ID가 너무 깁니다(최대 {limit}자). 행정포털 로그인 정보를 확인하거나 {contact}에 알려 주세요.",
        "en": "The user id is too long (at most {limit} characters). Check the portal sign-in, or tell {contact}.",
    },
    "empty_message": {
        "ko": "질문을 입력해 주세요. 도움말은 `/help`입니다.",
        "en": "Please type a question. `/help` shows what I can do.",
    },
    "attachment_unreadable": {
        "ko": "첨부파일 '{name}'을(를) 읽을 수 없습니다: {reason}",
        "en": "The attachment '{name}' could not be read: {reason}",
    },
    # Attachment downloads refused by the SSRF guard (bot/net/safe_fetch.py); {platform} is Slack or Teams.
    "download_refused_host": {
        "ko": "보안상 {platform} 파일 서버가 아닌 곳({host})에서는 파일을 내려받지 않습니다. 파일을 {platform}에 직접 올려 주세요",
        "en": "for security, files are downloaded only from {platform}'s own file servers, not from {host}; "
        "upload the file to {platform} itself",
    },
    "download_refused_address": {
        "ko": "파일 주소({host})가 내부망·루프백 주소를 가리켜 보안상 내려받지 않았습니다. 파일을 {platform}에 직접 올려 주세요",
        "en": "the file address ({host}) points into an internal or loopback network, which is never downloaded from; "
        "upload the file to {platform} itself",
    },
    "download_refused_scheme": {
        "ko": "암호화되지 않은 주소({host})라 보안상 내려받지 않았습니다. 파일을 {platform}에 직접 올려 주세요",
        "en": "the file address is not HTTPS ({host}), so it was not downloaded; upload the file to {platform} itself",
    },
    "download_refused_redirect": {
        "ko": "파일 서버가 허용되지 않은 곳({host})으로 넘겨 보내 보안상 내려받지 않았습니다. 파일을 {platform}에 다시 올려 주세요",
        "en": "the file server redirected to a host that is not allowed ({host}), so it was not downloaded; "
        "upload the file to {platform} again",
    },
    "download_refused_credentials": {
        "ko": "파일 주소에 사용자 이름·비밀번호가 들어 있어 보안상 내려받지 않았습니다({host})",
        "en": "the file address carries a user name or password, so it was not downloaded ({host})",
    },
    "download_refused_redirects": {
        "ko": "파일 서버가 너무 여러 번 넘겨 보내 내려받지 않았습니다({host}). 다시 올려 주세요",
        "en": "the file server redirected too many times ({host}); upload the file again",
    },
    "attachment_truncated": {
        "ko": "첨부파일 '{name}'이(가) 길어 앞부분 {chars}자만 읽었습니다. 필요한 부분만 나눠 보내 주세요.",
        "en": "The attachment '{name}' is long; only its first {chars} characters were read. Send the part you need.",
    },
    "attachment_ignored": {
        "ko": "첨부파일 '{name}'은(는) 이 도우미가 처리하지 않는 형식입니다. 내용을 붙여 넣거나 민원 목록(CSV/XLSX)은 `/use 민원 정리`로 보내 주세요.",
        "en": "This assistant does not process attachments like '{name}'. Paste the text, or send complaint lists (CSV/XLSX) to `/use 민원 정리`.",
    },
    "limit_unpacked": {
        "ko": "압축을 풀면 {size:,}MB로 한도({limit:,}MB)를 넘어 읽지 않았습니다. 파일을 나눠 보내 주세요.",
        "en": "unpacked it would be {size:,} MB, over the {limit:,} MB limit, so it was not read. Split the file and send the parts.",
    },
    "limit_ratio": {
        "ko": "압축률이 비정상적으로 높아({member}: {ratio:,}배, 한도 {limit:,}배) 읽지 않았습니다. 원본 프로그램에서 다시 저장해 보내 주세요.",
        "en": "it is compressed abnormally far ({member}: {ratio:,}x, limit {limit:,}x), so it was not read. Save it again from the original program.",
    },
    "limit_members": {
        "ko": "파일 안의 구성 요소가 {count:,}개로 한도({limit:,}개)를 넘어 읽지 않았습니다. 원본 프로그램에서 다시 저장해 보내 주세요.",
        "en": "it holds {count:,} parts, over the {limit:,} limit, so it was not read. Save it again from the original program.",
    },
    "limit_pdf_pages": {
        "ko": "PDF가 {pages:,}쪽으로 한도({limit:,}쪽)를 넘어 읽지 않았습니다. 필요한 쪽만 나눠 보내 주세요.",
        "en": "the PDF has {pages:,} pages, over the {limit:,}-page limit, so it was not read. Send only the pages you need.",
    },
    "limit_time": {
        "ko": "파일을 읽는 시간이 한도({seconds:g}초)를 넘어 중단했습니다. 파일을 나누거나 CSV·TXT로 저장해 보내 주세요.",
        "en": "reading the file took longer than the {seconds:g}-second limit and was stopped. Split it or save it as CSV/TXT.",
    },
    "limit_memory": {
        "ko": "파일을 읽는 데 메모리 한도({limit:,}MB)를 넘어 중단했습니다. 파일을 나눠 보내 주세요.",
        "en": "reading the file needed more than the {limit:,} MB memory limit and was stopped. Split the file and send the parts.",
    },
    "feedback_thanks": {"ko": "의견 감사합니다. 답변 품질 개선에 반영하겠습니다.", "en": "Thank you for the feedback."},
    "feedback_unknown": {
        "ko": "이 답변에 대한 의견을 기록할 수 없습니다(만료되었거나 잘못된 요청).",
        "en": "Feedback for this answer could not be recorded (expired or invalid).",
    },
    "quota_status": {
        "ko": "**{department}** 이번 달 사용량: {used:,} / {limit} 토큰, 오늘 요청 {requests_today:,}건.",
        "en": "**{department}** usage this month: {used:,} / {limit} tokens, {requests_today:,} requests today.",
    },
    "unlimited": {"ko": "제한 없음", "en": "unlimited"},
    "offline_no_model": {
        "ko": (
            "현재 생성형 AI 모델이 연결되어 있지 않아(오프라인 모드) 새 글을 작성할 수는 없습니다.\n\n"
            "지금 할 수 있는 일: `/help` 명령 안내, 도우미 목록(`/assistants`), 사용량(`/quota`), "
            '붙여 넣은 긴 글의 핵심 문장 추출("다음 글을 요약해줘" 뒤에 글을 붙여 넣기).\n\n'
            "관리자는 app.yaml에 청사 내부(온프레미스) OpenAI 호환 서버를 연결할 수 있습니다. 예:\n"
            "```yaml\nproviders:\n  - id: onprem\n    kind: openai\n    base_url: http://llm.intranet.local:8000/v1\n"
            "    api_key_env: ONPREM_LLM_KEY\nmodels:\n  default:\n    - provider: onprem\n      model: qwen2.5-72b-instruct\n```"
        ),
        "en": (
            "No generative model is connected (offline mode), so I cannot write new text.\n\n"
            "What works now: `/help`, the assistant list (`/assistants`), usage (`/quota`), and extracting the key "
            'sentences of a pasted text ("summarise this:" followed by the text).\n\n'
            "An administrator connects an on-premises OpenAI-compatible server in app.yaml, e.g.:\n"
            "```yaml\nproviders:\n  - id: onprem\n    kind: openai\n    base_url: http://llm.intranet.local:8000/v1\n"
            "    api_key_env: ONPREM_LLM_KEY\nmodels:\n  default:\n    - provider: onprem\n      model: qwen2.5-72b-instruct\n```"
        ),
    },
    "offline_summary_head": {
        "ko": "핵심 문장 {count}개를 원문에서 그대로 뽑았습니다(오프라인 모드, 생성형 모델 미사용):",
        "en": "The {count} key sentences, extracted verbatim (offline mode, no generative model):",
    },
    "offline_summary_too_short": {
        "ko": "요약할 글이 너무 짧습니다. 세 문장 이상의 글을 붙여 넣어 주세요.",
        "en": "The text is too short to summarise. Paste at least three sentences.",
    },
    # ---- complaint triage (issue 7) -------------------------------------------------------
    "triage_reading": {"ko": "민원 목록을 읽는 중입니다…", "en": "Reading the complaint list…"},
    "triage_analysing": {
        "ko": "민원 {count:,}건을 분석하는 중입니다(개인정보 가림, 묶기, 우선순위)…",
        "en": "Analysing {count:,} complaints (masking, clustering, priority)…",
    },
    "triage_describing": {
        "ko": "묶음 {count}개의 제목과 요약을 작성하는 중입니다…",
        "en": "Writing titles and summaries for {count} clusters…",
    },
    "triage_head": {
        "ko": "민원 {count:,}건을 {clusters}개 묶음으로 정리했습니다{scope}. 긴급 {urgent}건 · 높음 {high}건 · 보통 {normal}건 · 낮음 {low}건.",
        "en": "Sorted {count:,} complaints into {clusters} clusters{scope}. Urgent {urgent}, high {high}, normal {normal}, low {low}.",
    },
    "triage_scope": {"ko": " ('{topic}' 관련, 전체 {total:,}건 중)", "en": " (about '{topic}', of {total:,} in total)"},
    "triage_terms": {"ko": "찾은 표현: {terms}", "en": "Matched terms: {terms}"},
    "triage_none": {
        "ko": "'{topic}' 관련 민원을 찾지 못했습니다(전체 {total:,}건, 찾은 표현: {terms}). 주제를 다르게 적거나 app.yaml의 complaints.synonyms에 표현을 추가해 주세요.",
        "en": "No complaints about '{topic}' were found ({total:,} in total; terms: {terms}). Try other words, or add synonyms under complaints.synonyms in app.yaml.",
    },
    "triage_empty": {
        "ko": "분석할 민원이 없습니다. 목록에 민원 내용이 있는지 확인해 주세요.",
        "en": "There are no complaints to analyse. Check that the list contains complaint text.",
    },
    "triage_too_many_rows": {
        "ko": "민원 목록이 {limit:,}행을 넘어 읽지 않았습니다(한 번에 {limit:,}행까지). 기간이나 부서별로 나눠 보내 주세요. 더 큰 목록은 명령줄 `govbot complaints triage --max-rows`로 분석할 수 있습니다.",
        "en": "The complaint list has more than {limit:,} rows, so it was not read (limit {limit:,} rows at a time). Split it by period or department; the command line `govbot complaints triage --max-rows` can analyse bigger lists.",
    },
    "triage_encoding": {"ko": "'{name}'을(를) {encoding} 인코딩으로 읽었습니다.", "en": "Read '{name}' as {encoding}."},
    "triage_skipped": {
        "ko": "읽지 못해 건너뛴 행 {count}개: {rows}",
        "en": "{count} rows skipped as unreadable: {rows}",
    },
    "triage_warnings": {"ko": "참고: {rows}", "en": "Note: {rows}"},
    "triage_masked": {
        "ko": "민원인 이름·연락처 등 개인정보는 부서 정책에 따라 가렸습니다. 전체 결과는 첨부한 XLSX 파일에 있습니다.",
        "en": "Complainants' names, phone numbers and other personal information are masked per department policy. The full result is in the attached XLSX.",
    },
    "triage_help": {
        "ko": "민원 목록을 정리해 드립니다. CSV·XLSX·TXT 파일을 첨부하거나 민원을 한 줄에 하나씩 붙여 넣고, 예를 들어 "
        '"전동킥보드 관련 민원을 우선순위별로 정리해줘"라고 보내 주세요. 비슷한 민원을 묶고, 긴급도와 그 이유, 담당 부서를 제안합니다.',
        "en": "I sort complaint lists. Attach a CSV, XLSX or TXT file, or paste one complaint per line, and ask e.g. "
        '"sort the e-scooter complaints by priority". I cluster similar complaints, rank them with reasons and suggest a department.',
    },
    "triage_more_files": {
        "ko": "첨부파일이 여러 개라 '{name}'만 정리했습니다.",
        "en": "Several files were attached; only '{name}' was sorted.",
    },
    "forward_done": {
        "ko": "{department} {platform} 채널({channel})에 {rank}번 묶음 요약을 전달했습니다.",
        "en": "Forwarded cluster {rank} to {department}'s {platform} channel ({channel}).",
    },
    "forward_expired": {
        "ko": "전달할 정리 결과가 만료되었습니다. 민원 목록을 다시 정리한 뒤 전달해 주세요.",
        "en": "This triage result has expired. Sort the list again, then forward.",
    },
    "forward_not_owner": {
        "ko": "정리를 요청한 사람만 전달할 수 있습니다.",
        "en": "Only the official who ran the triage can forward it.",
    },
    "forward_no_channel": {
        "ko": "{department}에 등록된 메신저 채널이 없어 전달하지 못했습니다. app.yaml의 departments[].channels에 채널을 등록해 달라고 관리자에게 요청하거나, XLSX 파일을 직접 전달해 주세요.",
        "en": "{department} has no messenger channel registered, so nothing was sent. Ask an admin to add one under departments[].channels in app.yaml, or send the XLSX file yourself.",
    },
    "forward_no_poster": {
        "ko": "{department} 채널({channels})로 보낼 메신저 연결이 지금 켜져 있지 않아 전달하지 못했습니다. 관리자에게 Slack/Teams 연결을 확인해 달라고 하거나, XLSX 파일을 직접 전달해 주세요.",
        "en": "The messenger connection for {department}'s channels ({channels}) is not running, so nothing was sent. Ask an admin to check the Slack/Teams connection, or send the XLSX file yourself.",
    },
    "forward_failed": {
        "ko": "{department} {platform} 채널({channel})에 글을 올리지 못했습니다. 잠시 후 다시 시도하거나 XLSX 파일을 직접 전달해 주세요.",
        "en": "Could not post to {department}'s {platform} channel ({channel}). Try again shortly, or send the XLSX file yourself.",
    },
    "answer_incomplete": {
        "ko": "⚠️ 답변이 중간에 끊겨 완전하지 않습니다. 위 내용은 일부이니 그대로 쓰지 말고 다시 질문해 주세요.",
        "en": "⚠️ The answer was cut off and is incomplete. Do not use the part above as is; please ask again.",
    },
    "answer_stream_broken": {
        "ko": "AI 모델의 답변이 중간에 끊겼습니다(불완전한 답변). 다시 시도해 주세요.",
        "en": "The AI model's answer was cut off (incomplete answer). Please try again.",
    },
    "upstream_malformed": {
        "ko": "AI 모델이 알아볼 수 없는 응답을 보냈습니다. 잠시 후 다시 시도해 주세요. 계속되면 {contact}에 알려 주세요.",
        "en": "The AI model sent a response that could not be read. Please try again shortly; if it persists, tell {contact}.",
    },
    "web_cross_site": {
        "ko": "다른 사이트에서 보낸 요청은 받지 않습니다. govbot 화면에서 직접 보내 주세요.",
        "en": "Requests sent from another site are refused. Use the govbot page itself.",
    },
    "web_json_required": {
        "ko": "요청 형식이 올바르지 않습니다. Content-Type: application/json 으로 JSON 객체를 보내 주세요.",
        "en": "Invalid request: send a JSON object with Content-Type: application/json.",
    },
    "internal_error": {
        "ko": "처리 중 오류가 발생했습니다. 다시 시도해 주세요. 계속되면 {contact}에 알려 주세요(오류 번호 {ref}).",
        "en": "Something went wrong. Please try again; if it persists, tell {contact} (error {ref}).",
    },
    # ---- Microsoft Teams adapter (adapters/teams) ----
    "teams_writing": {"ko": "작성 중…", "en": "Writing…"},
    "teams_file_open": {"ko": "파일 받기: {name}", "en": "Download {name}"},
    "teams_truncated": {
        "ko": "답변이 길어 Teams에는 일부만 표시했습니다. 질문을 나누어 보내거나 웹 채팅에서 전체를 확인하세요.",
        "en": "The answer is too long for Teams and was shortened. Ask in parts, or see it whole in the web chat.",
    },
    "teams_confirm_yes": {"ko": "예, {label}", "en": "Yes, {label}"},
    "teams_sources": {"ko": "출처", "en": "Sources"},
    "teams_action_done": {"ko": "처리했습니다.", "en": "Done."},
    "teams_action_unknown": {
        "ko": "이 버튼({verb})은 govbot이 처리할 수 없습니다. 오래된 카드일 수 있으니 질문을 다시 보내 새 카드를 받으세요.",
        "en": "govbot cannot handle this button ({verb}); the card may be outdated. Ask again to get a new card.",
    },
    "teams_activity_incomplete": {
        "ko": "Bot Framework 활동에 {fields} 항목이 없습니다. Teams(Azure Bot Service)가 보내는 형식으로 보내 주세요.",
        "en": "The Bot Framework activity lacks {fields}. Send activities in the shape Teams (Azure Bot Service) posts.",
    },
    "teams_not_configured": {
        "ko": "Teams 설정 오류: {problems}",
        "en": "Teams is misconfigured: {problems}",
    },
    "teams_public_url_required": {
        "ko": "MicrosoftAppId가 설정되면 GOVBOT_TEAMS_PUBLIC_URL(Teams 사용자가 결과 파일을 받을 govbot의 공개 주소, 예: "
        "https://govbot.hanbit.go.kr)도 설정해야 합니다. 요청의 Host 헤더로 링크를 만들지 않기 위해서입니다.",
        "en": "With MicrosoftAppId set, GOVBOT_TEAMS_PUBLIC_URL (govbot's public address where Teams users download "
        "result files, e.g. https://govbot.hanbit.go.kr) is required, so links never come from a request's Host header.",
    },
    "teams_public_url_invalid": {
        "ko": "GOVBOT_TEAMS_PUBLIC_URL은 http:// 또는 https:// 로 시작하는 전체 주소여야 합니다(현재: {url}).",
        "en": "GOVBOT_TEAMS_PUBLIC_URL must be a full http:// or https:// address (now: {url}).",
    },
    "teams_dev_emulator_in_production": {
        "ko": "GOVBOT_TEAMS_DEV_EMULATOR=true는 인증 없이 누구나 Teams 사용자로 행세할 수 있는 개발용 설정입니다. "
        "운영 설정(GOVBOT_WEB_DEV_LOGIN=false)에서는 끄고 MicrosoftAppId와 MicrosoftAppPassword를 설정하세요.",
        "en": "GOVBOT_TEAMS_DEV_EMULATOR=true is a development setting that lets anyone act as any Teams user without "
        "authentication. Turn it off in production (GOVBOT_WEB_DEV_LOGIN=false) and set MicrosoftAppId and "
        "MicrosoftAppPassword.",
    },
    "teams_dev_emulator_with_app_id": {
        "ko": "MicrosoftAppId와 GOVBOT_TEAMS_DEV_EMULATOR=true가 함께 설정되어 있습니다. 에뮬레이터 설정은 무시되고 "
        "모든 요청에 Bot Framework 토큰이 필요합니다. 혼동을 피하려면 GOVBOT_TEAMS_DEV_EMULATOR를 지우세요.",
        "en": "MicrosoftAppId and GOVBOT_TEAMS_DEV_EMULATOR=true are both set; the emulator setting is ignored and every "
        "request needs a Bot Framework token. Remove GOVBOT_TEAMS_DEV_EMULATOR to avoid confusion.",
    },
    "teams_emulator_not_local": {
        "ko": "개발용 Teams 에뮬레이터 모드(GOVBOT_TEAMS_DEV_EMULATOR)는 이 컴퓨터에서 연결한 요청과 이 컴퓨터의 "
        "serviceUrl(127.0.0.1)만 받습니다. Teams와 연결하려면 MicrosoftAppId와 MicrosoftAppPassword를 설정하세요.",
        "en": "The development Teams emulator mode (GOVBOT_TEAMS_DEV_EMULATOR) accepts only connections from this machine "
        "with a serviceUrl on this machine (127.0.0.1); set MicrosoftAppId and MicrosoftAppPassword to connect Teams.",
    },
    "teams_welcome_title": {"ko": "{organisation} govbot입니다 👋", "en": "This is govbot for {organisation} 👋"},
    "teams_welcome_general": {
        "ko": "업무 질문, 문서 작성, 민원 정리를 돕는 AI 도우미입니다.",
        "en": "An AI assistant for work questions, drafting documents and sorting complaints.",
    },
    "teams_welcome_user": {
        "ko": "{name}님, 반갑습니다. {department} 소속으로 govbot을 사용하실 수 있습니다.",
        "en": "Welcome, {name}. You can use govbot as a member of {department}.",
    },
    "teams_welcome_department": {"ko": "부서", "en": "Department"},
    "teams_welcome_quota": {"ko": "이번 달 사용량(토큰)", "en": "Tokens used this month"},
    "teams_welcome_assistants": {"ko": "사용할 수 있는 도우미", "en": "Assistants you can use"},
    "teams_welcome_hint_personal": {
        "ko": "아래 예시를 누르거나 질문을 입력하세요. /help 로 명령어를 볼 수 있습니다.",
        "en": "Tap an example below or type a question. /help lists the commands.",
    },
    "teams_welcome_hint_channel": {
        "ko": "채널에서는 @govbot 으로 불러 주세요. 답변은 그 게시물의 스레드에 달립니다.",
        "en": "In a channel, @mention govbot; the answer goes into that post's thread.",
    },
    "teams_attachment_too_large": {
        "ko": "파일이 너무 큽니다(최대 {limit}MB)",
        "en": "the file is too large (max {limit} MB)",
    },
    "teams_attachment_failed": {"ko": "내려받지 못했습니다({reason})", "en": "it could not be downloaded ({reason})"},
    "teams_attachment_no_url": {
        "ko": "Teams가 파일 주소를 보내지 않았습니다. 개인 채팅에서 다시 올려 주세요",
        "en": "Teams sent no download address; upload it again in a personal chat",
    },
    # ---- Slack adapter (adapters/slack) ----
    "slack_working": {"ko": "⏳ 작성 중…", "en": "⏳ Working on it…"},
    "slack_file_unsupported": {
        "ko": "이 형식은 읽을 수 없습니다. CSV, XLSX, TXT, PDF, DOCX, HWPX 파일로 보내 주세요.",
        "en": "this file type cannot be read; send CSV, XLSX, TXT, PDF, DOCX or HWPX.",
    },
    "slack_file_too_large": {
        "ko": "파일이 너무 큽니다({size_mb}MB, 최대 {limit_mb}MB). 나누거나 줄여서 다시 보내 주세요.",
        "en": "the file is too large ({size_mb} MB, at most {limit_mb} MB); split or shrink it and send it again.",
    },
    "slack_file_download_failed": {
        "ko": "Slack에서 파일을 내려받지 못했습니다({reason}). 다시 올려 주세요. 계속되면 {contact}에 알려 주세요.",
        "en": "the file could not be downloaded from Slack ({reason}); upload it again, and tell {contact} if it persists.",
    },
    "slack_file_no_permission": {
        "ko": "Slack 앱에 파일 읽기 권한(files:read)이 없습니다. {contact}에 알려 주세요.",
        "en": "the Slack app lacks the files:read permission; tell {contact}.",
    },
    "slack_upload_failed": {
        "ko": "결과 파일 '{name}'을(를) Slack에 올리지 못했습니다({reason}). 다시 요청해 주세요.",
        "en": "The result file '{name}' could not be uploaded to Slack ({reason}). Please ask again.",
    },
    "slack_moved_to_dm": {
        "ko": "govbot이 채널 {channel}에 글을 쓸 수 없어 답변을 DM으로 보냅니다. 채널에서 `/invite @govbot`으로 초대해 주세요.",
        "en": "govbot cannot post in channel {channel}, so the answer comes by DM. Invite it there with `/invite @govbot`.",
    },
    "slack_answer_cut": {
        "ko": "✂️ 답변이 Slack 메시지 한도보다 길어 앞부분만 보여 드립니다. 전체 내용은 함께 올린 파일 `{name}`을(를) 열어 확인하세요.",
        "en": "✂️ The answer is longer than a Slack message allows, so only its beginning is shown. Open the attached file `{name}` for all of it.",
    },
    "slack_full_answer_name": {"ko": "답변_전문.txt", "en": "full_answer.txt"},
    "slack_home_title": {"ko": "govbot — {organisation} 업무 도우미", "en": "govbot — assistant for {organisation}"},
    "slack_home_department": {"ko": "*{name}* 님 · {department} ({role})", "en": "*{name}* · {department} ({role})"},
    "slack_home_quota": {
        "ko": "이번 달 부서 사용량: *{used:,}* / {limit} 토큰",
        "en": "Department use this month: *{used:,}* / {limit} tokens",
    },
    "slack_home_assistants": {"ko": "사용할 수 있는 도우미", "en": "Assistants you can use"},
    "slack_home_starters": {"ko": "이렇게 물어보세요", "en": "Try asking"},
    "slack_home_howto": {
        "ko": "DM으로 질문하거나 채널에서 @govbot 을 멘션하세요. `/govbot use 이름`으로 도우미를 바꾸고 `/govbot quota`로 사용량을 봅니다.",
        "en": "Ask in a DM or mention @govbot in a channel. `/govbot use NAME` switches assistants; `/govbot quota` shows usage.",
    },
}


def translate(catalog: dict[str, dict[str, str]], key: str, locale: str = "ko", **values: object) -> str:
    """The sentence `key` of `catalog` in `locale` (Korean when the locale is unknown), filled with `values`."""
    entry = catalog[key]
    return entry.get(locale, entry["ko"]).format(**values)


def t(key: str, locale: str = "ko", **values: object) -> str:
    """The sentence `key` in `locale`, from the shared catalog above."""
    return translate(MESSAGES, key, locale, **values)


def both(key: str, **values: object) -> str:
    """Korean then English, for messages whose reader's locale is not known (CLI errors, HTTP)."""
    return f"{t(key, 'ko', **values)} / {t(key, 'en', **values)}"
