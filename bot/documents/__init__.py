"""Text out of the files officials attach (TXT/CSV, XLSX, DOCX, HWPX, PDF), so assistants can read
them and the gateway can mask what they contain like any other text. Readers are pure (bytes in,
text out); DocumentWorker runs them in capped worker processes, off the event loop."""

from bot.documents.extract import Extracted, extract_text, readable
from bot.documents.limits import DocumentLimits, LimitExceeded, check_archive
from bot.documents.worker import DocumentWorker

__all__ = [
    "DocumentLimits",
    "DocumentWorker",
    "Extracted",
    "LimitExceeded",
    "check_archive",
    "extract_text",
    "readable",
]
