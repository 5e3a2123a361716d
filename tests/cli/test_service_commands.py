"""`tipguard keys` and `tipguard serve`: keys printed once (last word), listed without secrets."""

from __future__ import annotations

from pathlib import Path

from click.testing import CliRunner

from tipguard.cli.main import cli
from tipguard.store import Store


def test_keys_create_list_revoke(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'keys.db'}"
    runner = CliRunner()
    created = runner.invoke(
        cli, ["keys", "create", "--role", "ingest", "--role", "analyst", "--database-url", url]
    )
    assert created.exit_code == 0, created.output
    secret = created.output.split()[-1]
    store = Store(url)
    try:
        key = store.authenticate(secret)
        assert key is not None and key.roles == ("analyst", "ingest")
    finally:
        store.close()
    listed = runner.invoke(cli, ["keys", "list", "--json", "--database-url", url])
    assert secret not in listed.output and '"analyst"' in listed.output
    assert runner.invoke(cli, ["keys", "revoke", str(key.id), "--database-url", url]).exit_code == 0
    assert runner.invoke(cli, ["keys", "revoke", "99", "--database-url", url]).exit_code == 2
    assert "revoked" in runner.invoke(cli, ["keys", "list", "--database-url", url]).output
    assert runner.invoke(cli, ["keys", "create", "--role", "root", "--database-url", url]).exit_code == 2


def test_serve_and_keys_have_help() -> None:
    for command in (["serve"], ["keys"], ["keys", "create"]):
        result = CliRunner().invoke(cli, [*command, "--help"])
        assert result.exit_code == 0 and "Usage" in result.output
