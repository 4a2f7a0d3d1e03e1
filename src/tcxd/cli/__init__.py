"""The command line (`tcxd`): `app` and the shared options in `tcxd.cli.app`, Typer's words in
Vietnamese in `tcxd.cli.i18n`, and one module per group of commands, each registering its
commands on `app` when `app` asks for it (`tcxd.cli.app.COMMAND_MODULES`: a command imports only
what it uses). The program's entry point is `tcxd.cli.app:console_main`: `main` (which tests
call), then a quick end of the process."""

from tcxd.cli.app import app, environment, err, main, out

__all__ = ["app", "environment", "err", "main", "out"]
