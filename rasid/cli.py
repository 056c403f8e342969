"""The `rasid` command line. Sub-commands live next to the code they drive and register here."""

from __future__ import annotations

import importlib

import typer

app = typer.Typer(help="Rasid (راصد): Arabic conflict-news monitor.", no_args_is_help=True, add_completion=False)
eval_app = typer.Typer(help="Measure quality on public datasets (precision/recall/F1).", no_args_is_help=True)
train_app = typer.Typer(help="Rebuild the models shipped in the package.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")

# Each module defines `register(app, eval_app, train_app)`.
COMMAND_MODULES = [
    "rasid.commands",
    "rasid.extract.entity_commands",
    "rasid.text.timex_commands",
    "rasid.extract.events_commands",
    "rasid.extract.ner_commands",
    "rasid.verify.check_commands",
    "rasid.stories.commands",
    "rasid.verify.verify_commands",
]


def _load() -> None:
    for name in COMMAND_MODULES:
        module = importlib.import_module(name)
        module.register(app, eval_app, train_app)


_load()


def main() -> None:
    app()


if __name__ == "__main__":
    main()
