"""The command line: thin commands over the steps of the review, one module per step.

This module holds only the top-level group; each command lives in the module of
its step and is imported when it runs. What the commands share (consoles,
progress, the library, errors) is in `mnr.cli.common`.
"""

from __future__ import annotations

import importlib
import sys

import click

from mnr import __version__

# Commands that live in the other modules of this package, by the module that defines
# them: a module is imported when one of its commands runs (or when help lists them all),
# so `mnr prisma` does not pay for the imports of the network or synthesis commands.
COMMAND_MODULES = {
    "review": ["init", "status"],
    "searches": ["import", "searches"],
    "dedupe": ["dedupe", "export"],
    "screening": ["screen", "decide", "undo", "conflicts", "resolve", "agreement",
                  "decisions", "fulltext"],
    "prisma": ["prisma"],
    "report": ["report"],
    "network": ["network", "references", "backchain"],
    "chase": ["chase"],
    "synthesis": ["synthesis", "appraisal", "extraction"],
    "traditions": ["traditions", "memo"],
    "server": ["server"],
    "priority": ["simulate", "stop"],
    "removals": ["remove"],
    "studies": ["studies"],
}


class _Commands(click.Group):
    """The top-level group, importing each command's module when it is first needed."""

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        for module, names in COMMAND_MODULES.items():
            if cmd_name in names and cmd_name not in self.commands:
                importlib.import_module(f"mnr.cli.{module}")
        return super().get_command(ctx, cmd_name)

    def list_commands(self, ctx: click.Context) -> list[str]:
        for module in COMMAND_MODULES:
            importlib.import_module(f"mnr.cli.{module}")
        return super().list_commands(ctx)


@click.group(cls=_Commands, invoke_without_command=True,
             context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="mnr")
@click.pass_context
def main(ctx: click.Context) -> None:
    """mnr: a literature review manager for meta-narrative and systematic reviews.

    Run inside a review folder (one holding review.toml). Without a command,
    mnr opens the home screen in a terminal (the review's steps with counts),
    or prints the review's status when its output is not a terminal.

    \b
    Example:
      mnr init my-review --title "Care planning in community mental health"
      cd my-review && mnr import medline.nbib --database MEDLINE --date 2016-08-01
    """
    if ctx.invoked_subcommand is None:
        from mnr.cli.review import home, status

        if sys.stdin.isatty() and sys.stdout.isatty():
            ctx.invoke(home)
        else:
            ctx.invoke(status)
