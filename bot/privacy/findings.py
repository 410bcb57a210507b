"""What a detector reports: a type and a span, never kept beyond the text it came from."""

from __future__ import annotations

from dataclasses import dataclass

PII_TYPES = (
    "rrn",
    "frn",
    "phone",
    "email",
    "card",
    "account",
    "passport",
    "driver_license",
    "brn",
    "ip",
    "address",
    "name",
)
LABELS_KO = {
    "rrn": "주민등록번호",
    "frn": "외국인등록번호",
    "phone": "전화번호",
    "email": "이메일",
    "card": "카드번호",
    "account": "계좌번호",
    "passport": "여권번호",
    "driver_license": "운전면허번호",
    "brn": "사업자등록번호",
    "ip": "IP주소",
    "address": "상세주소",
    "name": "성명",
}
LABELS_EN = {
    "rrn": "resident registration number",
    "frn": "foreigner registration number",
    "phone": "phone number",
    "email": "e-mail",
    "card": "card number",
    "account": "bank account",
    "passport": "passport number",
    "driver_license": "driver's licence number",
    "brn": "business registration number",
    "ip": "IP address",
    "address": "detailed address",
    "name": "name",
}


@dataclass(frozen=True, slots=True)
class Finding:
    type: str
    start: int
    end: int
    confidence: float = 0.9

    @property
    def length(self) -> int:
        return self.end - self.start
