"""``tipguard proxy``: run the guard proxy in front of an OpenAI-compatible model server.

Starlette, httpx and uvicorn are imported only when the command runs, so the rest of the CLI
works without the ``api`` extra.
"""

from __future__ import annotations

import logging

import click

from tipguard.cli.codes import ExitCode
from tipguard.errors import ConfigError, ModelLoadError


@click.command("proxy")
@click.option(
    "--upstream", required=True, help="Base URL of the model server, as an OpenAI client gets it (…/v1)."
)
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", default=8088, show_default=True, type=click.IntRange(0, 65535))
@click.option(
    "--block-on-flag", is_flag=True, help="Refuse flagged chats too (default: forward with a header)."
)
@click.option(
    "--timeout",
    default=60.0,
    show_default=True,
    type=click.FloatRange(min=0, min_open=True),
    help="Seconds to wait for the model server (connect, and between two parts of its answer).",
)
@click.option(
    "--screen-system", is_flag=True, help="Screen system messages too (clients set them themselves)."
)
@click.option(
    "--screen-every",
    default=200,
    show_default=True,
    type=click.IntRange(min=1),
    help="In a stream, screen the reply each time it grows by this many characters.",
)
@click.option(
    "--hold-back",
    default=0,
    show_default=True,
    type=click.IntRange(min=0),
    help="In a stream, relay text only once it is screened with this many characters after it.",
)
@click.option(
    "--workers", default=4, show_default=True, type=click.IntRange(min=1), help="Threads running the guard."
)
@click.option(
    "--log-level", default="info", show_default=True, type=click.Choice(["debug", "info", "warning", "error"])
)
def proxy(
    upstream: str,
    host: str,
    port: int,
    block_on_flag: bool,
    timeout: float,
    screen_system: bool,
    screen_every: int,
    hold_back: int,
    workers: int,
    log_level: str,
) -> None:
    """Screen /v1/chat/completions on their way to the model server (streams too).

    Other /v1 calls pass through unscreened.

    Point an OpenAI client at http://HOST:PORT/v1. A blocked chat gets a policy refusal in the
    user's language with finish_reason "content_filter"; a flagged one is forwarded with the
    header X-Tipguard-Decision: flag.
    """
    try:
        import uvicorn

        from tipguard.guard import Guard
        from tipguard.proxy import ProxyConfig, create_app
    except ImportError as exc:
        click.echo(
            f"tipguard: the proxy needs the api extra: pip install 'tipguard[api]' ({exc.name})", err=True
        )
        raise SystemExit(ExitCode.CONFIG) from None
    try:
        config = ProxyConfig(
            upstream,
            timeout=timeout,
            block_on_flag=block_on_flag,
            screen_system=screen_system,
            screen_every=screen_every,
            hold_back=hold_back,
            guard_workers=workers,
        )
        guard = Guard().load()
        guard.check("warm-up")
    except (ConfigError, ModelLoadError) as exc:
        click.echo(f"tipguard: configuration error: {exc}", err=True)
        raise SystemExit(ExitCode.CONFIG) from None
    logging.basicConfig(level=log_level.upper(), format="%(asctime)s %(levelname)s %(name)s %(message)s")
    click.echo(f"tipguard proxy: http://{host}:{port}/v1 -> {config.upstream_base}", err=True)
    # access_log off: uvicorn's access lines carry query strings; the proxy logs ids and decisions itself
    uvicorn.run(create_app(config, guard), host=host, port=port, log_level=log_level, access_log=False)
