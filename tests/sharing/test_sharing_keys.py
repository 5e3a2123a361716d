"""The sharing-group key: HMAC keyed hashes that match only under the same secret."""

from __future__ import annotations

import hashlib
import hmac

import pytest
from sharing_synthetic import ID_NUMBER, OTHER_SECRET, SECRET

from tipguard.errors import ConfigError
from tipguard.sharing import SharingKey


def test_same_secret_same_hash_and_different_secret_different_hash() -> None:
    a, b, other = SharingKey(SECRET), SharingKey(SECRET.encode()), SharingKey(OTHER_SECRET)
    assert a.contact_hash("phone", ID_NUMBER) == b.contact_hash("phone", ID_NUMBER)
    assert a.contact_hash("phone", ID_NUMBER) != other.contact_hash("phone", ID_NUMBER)
    assert a.key_id == b.key_id != other.key_id


def test_hash_is_hmac_sha256_and_not_a_plain_hash_of_the_value(key: SharingKey) -> None:
    digest = key.contact_hash("phone", ID_NUMBER)
    assert len(digest) == 64 and int(digest, 16) >= 0
    assert digest != hashlib.sha256(ID_NUMBER.encode()).hexdigest()
    assert digest != hmac.new(SECRET.encode(), ID_NUMBER.encode(), hashlib.sha256).hexdigest()


def test_the_kind_is_part_of_the_hashed_message(key: SharingKey) -> None:
    assert key.contact_hash("handle", "telegram:abc") != key.contact_hash("url", "telegram:abc")


def test_short_secret_is_refused_without_echoing_it() -> None:
    with pytest.raises(ConfigError) as err:
        SharingKey("short-secret")
    assert "short-secret" not in str(err.value)


def test_from_env(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("MY_GROUP_SECRET", SECRET)
    assert SharingKey.from_env("MY_GROUP_SECRET").key_id == SharingKey(SECRET).key_id
    monkeypatch.delenv("MY_GROUP_SECRET")
    with pytest.raises(ConfigError, match="MY_GROUP_SECRET"):
        SharingKey.from_env("MY_GROUP_SECRET")


def test_repr_and_key_id_do_not_reveal_the_secret(key: SharingKey) -> None:
    assert SECRET not in repr(key)
    assert len(key.key_id) == 16 and key.key_id not in SECRET.encode().hex()
