"""Prohibited-word matching that survives the usual evasions. Pure logic."""

from bot.wordfilter.matcher import WordHit, WordMatcher

__all__ = ["WordHit", "WordMatcher"]
