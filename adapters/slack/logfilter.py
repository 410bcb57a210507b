"""Keep message content out of the log: bolt and slack_sdk put whole request and response bodies in some
log lines (bolt at INFO on a failed signature check, slack_sdk at DEBUG for every Web API call). The
README promises logs never hold content, so those lines keep their first words and lose the body."""

from __future__ import annotations

import logging
import re

# Where a library line starts quoting a payload: "body: {...}", "json_body: ...", "for the request ({...})".
_PAYLOAD = re.compile(
    r"(?i)(\bbody\b|\bjson_body\b|\bbody_params\b|\bquery_params\b|\bpayload\b|for the request \(|\bRequest body\b)"
)
WITHHELD = "[본문 생략 / content withheld]"


class WithholdContent(logging.Filter):
    """Cuts a record's message where a payload starts; the rest of the line (what happened) stays."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # noqa: BLE001 - a record that cannot be formatted is dropped, not raised
            return False
        match = _PAYLOAD.search(message)
        if match:
            record.msg = message[: match.start()].rstrip(" ,(:-") + " " + WITHHELD
            record.args = ()
        return True
