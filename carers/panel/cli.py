import click
from flask.cli import AppGroup

from carers.clocks.words import plural
from carers.core.dates import utcnow
from carers.panel.operations import build_due_packs

panel_cli = AppGroup("panel", help="The fostering panel.")


@panel_cli.command("build-packs")
@click.option("--limit", default=20, show_default=True, help="Most packs to build.")
def build_packs_command(limit):
    """Build every panel pack queued by issuing papers (the scheduler runs this sweep)."""
    built = build_due_packs(utcnow(), limit=limit)
    for pack in built:
        click.echo(f"Built pack {pack.job_id} for meeting {pack.meeting_id}: {pack.pages} "
                   f"pages, {pack.copies} {'copy' if pack.copies == 1 else 'copies'}.")
    click.echo(f"Built {plural(len(built), 'pack')}.")
