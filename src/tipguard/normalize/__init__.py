"""Text normalization with offset maps back to the original text."""

from tipguard.normalize.offsets import OffsetMap
from tipguard.normalize.text import Normalized, normalize, normalize_term

__all__ = ["Normalized", "OffsetMap", "normalize", "normalize_term"]
