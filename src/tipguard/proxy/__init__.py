"""``tipguard proxy``: a drop-in OpenAI-compatible proxy that screens chats with the guard."""

from tipguard.proxy.app import create_app
from tipguard.proxy.config import ProxyConfig

__all__ = ["ProxyConfig", "create_app"]
