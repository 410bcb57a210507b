"""Personal-information detection and masking, Korean first. Pure logic: text in, findings out."""

from bot.privacy.findings import LABELS_EN, LABELS_KO, PII_TYPES, Finding
from bot.privacy.scanner import scan_pii
from bot.privacy.vault import MaskResult, PlaceholderVault, RestoreStream, redact

__all__ = [
    "Finding",
    "LABELS_EN",
    "LABELS_KO",
    "MaskResult",
    "PII_TYPES",
    "PlaceholderVault",
    "RestoreStream",
    "redact",
    "scan_pii",
]
