"""Typed input items.

Items are frozen so a batch can be shared across threads and cached safely. Only ``text`` (or a
conversation's messages) is analysed; the other fields identify the item for the platform and for
corpus-level detectors of later releases (sender, platform, time, conversation).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum


class ItemKind(StrEnum):
    """What an item is; detectors declare the kinds they accept."""

    MESSAGE = "message"
    CONVERSATION = "conversation"
    ADVERT = "advert"
    PROFILE = "profile"
    PROMPT = "prompt"


@dataclass(frozen=True, slots=True)
class Message:
    """One message, post or free text: the default item."""

    text: str
    id: str | None = None
    sender: str | None = None
    time: datetime | None = None
    platform: str | None = None
    kind: ItemKind = field(default=ItemKind.MESSAGE, init=False)


@dataclass(frozen=True, slots=True)
class Advert:
    """A classified or job advert."""

    text: str
    id: str | None = None
    sender: str | None = None
    time: datetime | None = None
    platform: str | None = None
    kind: ItemKind = field(default=ItemKind.ADVERT, init=False)


@dataclass(frozen=True, slots=True)
class Profile:
    """A user or business profile's free text (bio, description)."""

    text: str
    id: str | None = None
    sender: str | None = None
    time: datetime | None = None
    platform: str | None = None
    kind: ItemKind = field(default=ItemKind.PROFILE, init=False)


@dataclass(frozen=True, slots=True)
class Prompt:
    """A prompt to a language model, with the model's response when screening both."""

    text: str
    response: str | None = None
    id: str | None = None
    sender: str | None = None
    time: datetime | None = None
    platform: str | None = None
    kind: ItemKind = field(default=ItemKind.PROMPT, init=False)


@dataclass(frozen=True, slots=True)
class ConversationMessage:
    """One turn of a conversation."""

    text: str
    sender: str | None = None
    time: datetime | None = None


@dataclass(frozen=True, slots=True)
class Conversation:
    """Ordered messages; spans of its findings carry the index of the message they point into."""

    messages: tuple[ConversationMessage, ...]
    id: str | None = None
    platform: str | None = None
    kind: ItemKind = field(default=ItemKind.CONVERSATION, init=False)

    @property
    def text(self) -> str:
        """The messages joined by newlines: the text the detectors read."""
        return "\n".join(m.text for m in self.messages)

    def message_offsets(self) -> tuple[int, ...]:
        """Start offset of each message inside :attr:`text`."""
        offsets: list[int] = []
        pos = 0
        for m in self.messages:
            offsets.append(pos)
            pos += len(m.text) + 1
        return tuple(offsets)


Item = Message | Advert | Profile | Prompt | Conversation
"""Anything the analyzer accepts."""
