"""Sharing-group keys for the sharing tests."""

from __future__ import annotations

import pytest
from sharing_synthetic import OTHER_SECRET, SECRET

from tipguard.sharing import SharingKey


@pytest.fixture(scope="session")
def key() -> SharingKey:
    return SharingKey(SECRET)


@pytest.fixture(scope="session")
def other_key() -> SharingKey:
    return SharingKey(OTHER_SECRET)
