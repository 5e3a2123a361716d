"""The detector registry: built-ins listed explicitly, third parties through entry points.

Built-ins are named here, in order, rather than discovered by subclass scanning, so what exists
never depends on import side effects. Third-party packages add detectors through the entry-point
group ``tipguard.detectors`` (each entry point names a ``Detector`` subclass).
"""

from __future__ import annotations

from importlib.metadata import entry_points

from tipguard.detectors.arc import ArcDetector
from tipguard.detectors.base import Detector
from tipguard.detectors.encoder import EncoderDetector
from tipguard.detectors.learned import NgramDetector
from tipguard.detectors.lexicon import LexiconDetector
from tipguard.detectors.off_platform import OffPlatformDetector
from tipguard.errors import ConfigError, UnknownDetectorError

BUILTIN: tuple[type[Detector], ...] = (
    LexiconDetector,
    OffPlatformDetector,
    NgramDetector,
    ArcDetector,
    EncoderDetector,
)
ENTRY_POINT_GROUP = "tipguard.detectors"


def registered() -> dict[str, type[Detector]]:
    """Every known detector class by name: built-ins first, then entry points."""
    out: dict[str, type[Detector]] = {}
    for cls in BUILTIN:
        out[cls.name] = cls
    for ep in entry_points(group=ENTRY_POINT_GROUP):
        cls = ep.load()
        if not (isinstance(cls, type) and issubclass(cls, Detector)):
            raise ConfigError(f"entry point {ep.name!r} does not name a Detector subclass")
        if cls.name in out:
            raise ConfigError(
                f"detector name {cls.name!r} from entry point {ep.name!r} is already taken; "
                f"registered: {sorted(out)}"
            )
        out[cls.name] = cls
    return out


def create(name: str) -> Detector:
    """Instantiate a registered detector by name."""
    classes = registered()
    if name not in classes:
        raise UnknownDetectorError(f"unknown detector {name!r}; registered: {sorted(classes)}")
    return classes[name]()
