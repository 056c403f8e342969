"""The `rasid` command line (`rasid = "rasid.cli:main"`); commands are registered in `rasid.cli.app`."""

from rasid.cli.app import app, main

__all__ = ["app", "main"]
