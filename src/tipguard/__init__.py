"""tipguard: find the signals of human trafficking in text, in many languages.

The public surface is listed in ``__all__``; everything else may change between releases.
"""

from tipguard.config import AnalyzerConfig, load_config
from tipguard.errors import (
    ConfigError,
    DecodeError,
    DetectorError,
    EmptyInputError,
    InputError,
    InputTooLargeError,
    LexiconError,
    TipguardError,
    UnknownDetectorError,
)
from tipguard.guard import Guard, GuardResult
from tipguard.items import (
    Advert,
    Conversation,
    ConversationMessage,
    ItemKind,
    Message,
    Profile,
    Prompt,
)
from tipguard.pipeline.analyzer import Analyzer
from tipguard.results import (
    SCHEMA_VERSION,
    DetectorFailure,
    Entity,
    Evidence,
    Finding,
    ItemError,
    Level,
    Span,
    Verdict,
)

__version__ = "0.2.0"

__all__ = [
    "SCHEMA_VERSION",
    "Advert",
    "Analyzer",
    "AnalyzerConfig",
    "ConfigError",
    "Conversation",
    "ConversationMessage",
    "DecodeError",
    "DetectorError",
    "DetectorFailure",
    "EmptyInputError",
    "Entity",
    "Evidence",
    "Finding",
    "Guard",
    "GuardResult",
    "InputError",
    "InputTooLargeError",
    "ItemError",
    "ItemKind",
    "Level",
    "LexiconError",
    "Message",
    "Profile",
    "Prompt",
    "Span",
    "TipguardError",
    "UnknownDetectorError",
    "Verdict",
    "__version__",
    "load_config",
]
