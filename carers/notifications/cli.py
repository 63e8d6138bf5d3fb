import click
from flask.cli import AppGroup

from carers.notifications.dispatch import send_due

outbox_cli = AppGroup("outbox", help="The notifications outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, help="Most messages to send.")
def send_command(limit):
    """Send every email in the outbox that is due."""
    counts = send_due(limit=limit)
    click.echo(f"Sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}.")
