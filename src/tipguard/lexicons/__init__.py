"""Indicator lexicons: per-language data files compiled into one automaton."""

from tipguard.lexicons.loader import available_languages, build_index, load_file, load_files
from tipguard.lexicons.matcher import LexiconIndex, matching_view

__all__ = [
    "LexiconIndex",
    "available_languages",
    "build_index",
    "load_file",
    "load_files",
    "matching_view",
]
