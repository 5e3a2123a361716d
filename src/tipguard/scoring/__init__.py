"""Combine findings into a risk score and a level."""

from tipguard.scoring.interim import InterimScorer, level_for

__all__ = ["InterimScorer", "level_for"]
