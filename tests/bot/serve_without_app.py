"""``bscbot serve`` for the harness when ``bot/app.py`` or the CLI's ``serve`` is not there yet.

It runs the same entry point (``bot.cli.main``) and the same ``serve`` command; only the Bolt
App is a minimal one (signature checks on, one ``/kpi`` listener that replies "ok") when the
real ``bot.app.build_app`` cannot be imported. Once both exist the harness runs the installed
``bscbot`` script instead and this module is unused.
"""

from __future__ import annotations

import sys
from importlib.util import find_spec
from typing import Any

from slack_bolt import Ack, App, Respond
from slack_sdk import WebClient

from bsc_core.settings import get_settings


def build_minimal_app(*, client: WebClient | None = None) -> App:
    """A Bolt App shaped like the real one: the process's client and the signing secret."""
    app = App(client=client, signing_secret=get_settings().SLACK_SIGNING_SECRET)

    @app.command("/kpi")
    def kpi(ack: Ack, respond: Respond) -> None:
        ack()
        respond("ok")

    return app


def serve_registered(cli_app: Any) -> bool:
    """Whether ``bot/cli.py`` already registers the ``serve`` command."""
    return any(
        command.name == "serve" or getattr(command.callback, "__name__", "") == "serve"
        for command in cli_app.registered_commands
    )


def real_app_available() -> bool:
    return find_spec("bot.app") is not None


def main() -> None:
    import bot.cli_serve as cli_serve
    from bot.cli import app as cli_app
    from bot.cli import main as cli_main

    if not real_app_available():
        cli_serve.load_app_factory = lambda: build_minimal_app
    if not serve_registered(cli_app):
        cli_app.command("serve")(cli_serve.serve)
    sys.argv = ["bscbot", *sys.argv[1:]]
    cli_main()


if __name__ == "__main__":
    main()
