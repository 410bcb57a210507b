"""Text out of the files officials attach (TXT/CSV, XLSX, DOCX, HWPX, PDF), so assistants can read
them and the gateway can mask what they contain like any other text. Pure: bytes in, text out."""

from bot.documents.extract import Extracted, extract_text, readable

__all__ = ["Extracted", "extract_text", "readable"]
