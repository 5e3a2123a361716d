"""The LLM guard: stop models from writing threats, lures, personas, fake documents and outreach bots."""

from tipguard.guard.guard import Decision, Guard, GuardResult

__all__ = ["Decision", "Guard", "GuardResult"]
