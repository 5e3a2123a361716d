"""Detectors: plug-ins behind one contract (see ``base``)."""

from tipguard.detectors.base import Detector, Example
from tipguard.detectors.lexicon import LexiconDetector
from tipguard.detectors.off_platform import OffPlatformDetector
from tipguard.detectors.registry import BUILTIN, create, registered

__all__ = [
    "BUILTIN",
    "Detector",
    "Example",
    "LexiconDetector",
    "OffPlatformDetector",
    "create",
    "registered",
]
