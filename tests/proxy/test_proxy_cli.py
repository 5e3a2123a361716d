"""``tipguard proxy`` on the command line."""

from __future__ import annotations

from click.testing import CliRunner

from tipguard.cli.main import cli


def test_proxy_command_is_registered_with_its_options() -> None:
    result = CliRunner().invoke(cli, ["proxy", "--help"])
    assert result.exit_code == 0
    for option in ("--upstream", "--host", "--port", "--block-on-flag", "--timeout", "--hold-back"):
        assert option in result.output


def test_proxy_needs_an_upstream() -> None:
    result = CliRunner().invoke(cli, ["proxy"])
    assert result.exit_code == 2
    assert "--upstream" in result.output


def test_bad_upstream_is_a_configuration_error() -> None:
    result = CliRunner().invoke(cli, ["proxy", "--upstream", "localhost:8000"])
    assert result.exit_code == 3
    assert "upstream must be an http" in result.output
