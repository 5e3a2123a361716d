"""Shared fixtures: one loaded analyzer per session (loading compiles every lexicon once)."""

from __future__ import annotations

import pytest

from tipguard import Analyzer


@pytest.fixture(scope="session")
def analyzer() -> Analyzer:
    return Analyzer(profile="fast").load()
