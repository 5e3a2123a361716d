"""``tipguard serve`` and ``tipguard keys``: run the REST service and manage its API keys.

FastAPI, uvicorn and SQLAlchemy are imported inside the command bodies only, so ``tipguard scan``
and the analysis core start without them (they come with the ``api`` extra).
"""

from __future__ import annotations

import json
from typing import Any

import click

from tipguard.cli.codes import ExitCode

ROLE_CHOICE = click.Choice(["ingest", "analyst", "admin"])


def _store(database_url: str | None) -> Any:
    from tipguard.errors import StorageError
    from tipguard.store import Store

    try:
        return Store(database_url)
    except StorageError as exc:
        click.echo(f"tipguard: cannot open the database: {exc}", err=True)
        raise SystemExit(ExitCode.IO) from None


@click.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8000, show_default=True, type=int)
@click.option(
    "--database-url",
    default=None,
    help="SQLAlchemy URL (default: TIPGUARD_DATABASE_URL, else sqlite:///tipguard.db here).",
)
@click.option("--log-level", default="info", show_default=True)
@click.option(
    "--workers",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Processes; each loads its own analyzer (about 250 MB) and keeps its own rate limits.",
)
def serve(host: str, port: int, database_url: str | None, log_level: str, workers: int) -> None:
    """Run the REST API (OpenAPI at /openapi.json) on the embedded defaults."""
    import os
    import secrets

    import uvicorn

    from tipguard.service import ServiceSettings, create_app

    if workers > 1:
        # Worker processes build the app themselves from the environment, so the database and
        # the review page's cookie secret must reach them there (one secret, or a session
        # signed by one worker would be refused by the next).
        if database_url is not None:
            os.environ["TIPGUARD_DATABASE_URL"] = database_url
        os.environ.setdefault("TIPGUARD_SESSION_SECRET", secrets.token_urlsafe(32))
        uvicorn.run(
            "tipguard.service.app:create_app",
            factory=True,
            host=host,
            port=port,
            log_level=log_level,
            access_log=False,
            workers=workers,
        )
        return
    settings = ServiceSettings()
    if database_url is not None:
        settings = settings.model_copy(update={"database_url": database_url})
    app = create_app(settings)
    uvicorn.run(app, host=host, port=port, log_level=log_level, access_log=False)


@click.group()
def keys() -> None:
    """Create, list and revoke API keys (stored only as hashes)."""


_DB_OPTION = click.option("--database-url", default=None, help="SQLAlchemy URL (default as for serve).")


@keys.command("create")
@click.option("--role", "roles", type=ROLE_CHOICE, multiple=True, required=True, help="Repeat for several.")
@click.option("--name", default=None, help="A label for the key (default: its roles).")
@_DB_OPTION
def keys_create(roles: tuple[str, ...], name: str | None, database_url: str | None) -> None:
    """Create a key and print it once; the last word printed is the key."""
    from tipguard.store import Actor

    store = _store(database_url)
    try:
        record, secret = store.create_key(name or "+".join(sorted(set(roles))), roles, Actor.system("cli"))
    finally:
        store.close()
    click.echo(f"Created {'+'.join(record.roles)} key {record.id} ({record.name}); shown once: {secret}")


@keys.command("list")
@click.option("--json", "as_json", is_flag=True)
@_DB_OPTION
def keys_list(as_json: bool, database_url: str | None) -> None:
    """List keys (id, prefix, name, roles, state); secrets and hashes are never shown."""
    store = _store(database_url)
    try:
        rows = store.list_keys()
    finally:
        store.close()
    if as_json:
        data = [
            {
                "id": k.id,
                "prefix": k.prefix,
                "name": k.name,
                "roles": list(k.roles),
                "created_at": k.created_at.isoformat(),
                "revoked_at": k.revoked_at.isoformat() if k.revoked_at else None,
            }
            for k in rows
        ]
        click.echo(json.dumps(data, indent=2))
        return
    for k in rows:
        state = "revoked" if k.is_revoked else "active"
        click.echo(f"{k.id:>4}  {k.prefix}…  {state:<8} {','.join(k.roles):<22} {k.name}")


@keys.command("revoke")
@click.argument("key_id", type=int)
@_DB_OPTION
def keys_revoke(key_id: int, database_url: str | None) -> None:
    """Revoke key KEY_ID at once."""
    from tipguard.errors import RecordNotFoundError
    from tipguard.store import Actor

    store = _store(database_url)
    try:
        record = store.revoke_key(key_id, Actor.system("cli"))
    except RecordNotFoundError:
        click.echo(f"tipguard: no key {key_id}", err=True)
        raise SystemExit(ExitCode.USAGE) from None
    finally:
        store.close()
    click.echo(f"Revoked key {record.id} ({record.name})")
