"""The `rasid` command line: every command is registered here, in the order `rasid --help` lists them.

The command functions live in one module per group (`rasid.cli.ingest`, `.demo`, …); they import
heavy code (models, the pipeline) inside their bodies so that `rasid --help` stays fast.
"""

from __future__ import annotations

import typer

from rasid.cli import bench, check, demo, entities, events, ingest, stories, train
from rasid.cli import eval as eval_commands

app = typer.Typer(help="Rasid (راصد): Arabic conflict-news monitor.", no_args_is_help=True, add_completion=False)
eval_app = typer.Typer(help="Measure quality on public datasets (precision/recall/F1).", no_args_is_help=True)
train_app = typer.Typer(help="Rebuild the models shipped in the package.", no_args_is_help=True)
app.add_typer(eval_app, name="eval")
app.add_typer(train_app, name="train")

app.command("analyze")(ingest.analyze)
app.command("search")(ingest.search)
app.command("articles")(ingest.articles)
app.command("demo")(demo.demo)
app.command("bench")(bench.bench)
app.command("entities")(entities.entities)
app.command("events")(events.events_command)
app.command("check")(check.check)
app.command("claims")(check.claims)
app.command("stories")(stories.stories_cmd)
app.command("story")(stories.story_cmd)

eval_app.command("dates")(eval_commands.eval_dates)
eval_app.command("events")(eval_commands.eval_events)
eval_app.command("ner")(eval_commands.eval_ner)
eval_app.command("stories")(eval_commands.eval_stories_cmd)
eval_app.command("stance")(eval_commands.eval_stance_cmd)
eval_app.command("claims")(eval_commands.eval_claims_cmd)
eval_app.command("checkworthy")(eval_commands.eval_checkworthy_cmd)

train_app.command("ner")(train.train_ner)
train_app.command("dense")(train.train_dense_cmd)
train_app.command("stance")(train.train_stance_cmd)
train_app.command("claims")(train.train_claims_cmd)
train_app.command("checkworthy")(train.train_checkworthy_cmd)


def main() -> None:
    app()
