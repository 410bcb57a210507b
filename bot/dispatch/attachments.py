"""Files the user sent, as the model sees them: readable ones join the question as text."""

from __future__ import annotations

from collections.abc import Sequence

from bot.conversation import Attachment, Reply
from bot.documents import DocumentWorker, readable
from bot.i18n import t


def unreadable_reply(attachments: Sequence[Attachment], locale: str) -> Reply | None:
    """An error naming every file the adapter could not fetch, before any model or quota is involved."""
    broken = [a for a in attachments if a.error]
    if not broken:
        return None
    lines = [t("attachment_unreadable", locale, name=a.name, reason=a.error) for a in broken]
    return Reply("\n".join(lines), kind="error")


async def with_attachments(
    text: str, attachments: Sequence[Attachment], locale: str, documents: DocumentWorker
) -> tuple[str, list[str]]:
    """Readable attachments join the question as text (the gateway masks it like the rest); others
    get a note instead of silently vanishing. Reading happens in a worker process, off the event loop."""
    pieces, notes = [text], []
    for attachment in attachments:
        extracted = await documents.extract(attachment.name, attachment.content_type, attachment.data)
        if extracted.error is not None:
            key = (
                "attachment_ignored"
                if not readable(attachment.name, attachment.content_type)
                else "attachment_unreadable"
            )
            notes.append(t(key, locale, name=attachment.name, reason=extracted.error))
            continue
        if extracted.truncated:
            notes.append(t("attachment_truncated", locale, name=attachment.name, chars=f"{len(extracted.text):,}"))
        pieces.append(f"[첨부: {attachment.name}]\n{extracted.text}")
    return "\n\n".join(p for p in pieces if p), notes
