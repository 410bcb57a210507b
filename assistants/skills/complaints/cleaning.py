"""What a complaint says, without what every letter says: greetings, thanks, signatures ("홍길동 드림"),
attachment lines and file names, masked placeholders. Clustering and keywords read the cleaned text, so
"드림", "jpg" or "첨부파일" never become what a group is about. Pure functions."""

from __future__ import annotations

import re

_FILE = re.compile(
    r"[^\s/\\]*\.(?:jpe?g|png|gif|bmp|heic|webp|pdf|hwpx?|docx?|xlsx?|pptx?|zip|mp4|mov|avi|txt)\b", re.IGNORECASE
)
_ATTACHMENT_LINE = re.compile(r"^\s*[\[(<]?\s*(?:첨부\s?파일|첨부\s?자료|첨부|붙임|사진\s?첨부)\b.*$", re.MULTILINE)
_SIGNATURE_LINE = re.compile(r"^[^\n]{0,30}(?:드림|올림|배상|拜上)\s*[.!]?\s*$", re.MULTILINE)
_BOILERPLATE = re.compile(
    r"안녕하(?:세요|십니까)|수고\s?(?:많으십니다|많으세요|하십니다|하세요)|고생\s?많으십니다|감사(?:합니다|드립니다)"
    r"|고맙습니다|부탁\s?드립니다|잘\s?부탁|(?:첨부\s?)?파일\s?(?:첨부|참고|확인)|사진\s?(?:첨부|참고)(?:합니다|했습니다)?"
    r"|첨부\s?파일|첨부(?:합니다|했습니다|드립니다)?"
)
_PLACEHOLDER = re.compile(r"\[[^\]\n]{1,16}\]")  # masked values ([이름#1], [전화번호#2]) carry no topic
_COMPLAINT_NUMBER = re.compile(r"\b\d[A-Z0-9]{2}-\d{4}-\d{5,}\b")


def clean(text: str) -> str:
    """The text a topic can be read from."""
    text = _ATTACHMENT_LINE.sub(" ", text)
    text = _SIGNATURE_LINE.sub(" ", text)
    text = _FILE.sub(" ", text)
    text = _COMPLAINT_NUMBER.sub(" ", text)
    text = _PLACEHOLDER.sub(" ", text)
    return _BOILERPLATE.sub(" ", text)
