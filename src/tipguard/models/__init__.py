"""Learned models shipped inside the package: their weights live beside the code, never on a hub."""

from __future__ import annotations

from importlib import resources

from tipguard.errors import ModelLoadError


def packaged_bytes(name: str, what: str = "model") -> bytes:
    """The bytes of ``tipguard/models/data/<name>.npz``; a clear error when the install lacks it."""
    ref = resources.files("tipguard.models").joinpath(f"data/{name}.npz")
    try:
        return ref.read_bytes()
    except (FileNotFoundError, OSError) as exc:
        raise ModelLoadError(f"packaged {what} {name!r} is missing from the install") from exc
