"""The command line (`tcxd`): `app` and the shared options in `tcxd.cli.app`, Typer's words in
Vietnamese in `tcxd.cli.i18n`, and one module per group of commands, each registering its
commands on `app` when `app` asks for it (`tcxd.cli.app.COMMAND_MODULES`: a command imports only
what it uses). The entry point is `tcxd.cli:main`."""

from tcxd.cli.app import app, environment, err, main, out

__all__ = ["app", "environment", "err", "main", "out"]
