"""Learned models shipped inside the package: their weights live beside the code, never on a hub."""
