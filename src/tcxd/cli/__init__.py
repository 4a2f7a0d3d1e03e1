"""The command line (`tcxd`): `app` and the shared options in `tcxd.cli.app`, Typer's words in
Vietnamese in `tcxd.cli.i18n`, and one module per group of commands, imported here so that each
registers its commands on `app`, in the order the help lists them. The entry point is
`tcxd.cli:main`."""

# isort: off
from tcxd.cli import province, imports, classify, report  # noqa: F401
from tcxd.cli import admin, clerk, lock  # noqa: F401

# isort: on
from tcxd.cli.app import app, environment, err, main, out

__all__ = ["app", "environment", "err", "main", "out"]
