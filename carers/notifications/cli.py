import click
from flask.cli import AppGroup
from sqlalchemy import select

from carers.extensions import db
from carers.notifications.dispatch import send_due
from carers.notifications.models import OutboxMessage

outbox_cli = AppGroup("outbox", help="The notifications outbox.")


@outbox_cli.command("send")
@click.option("--limit", default=200, show_default=True, help="Most messages to send.")
def send_command(limit):
    """Send every email in the outbox that is due."""
    counts = send_due(limit=limit)
    click.echo(f"Sent {counts['sent']}, to retry {counts['retry']}, failed {counts['failed']}.")


@outbox_cli.command("latest")
@click.argument("address")
def latest_command(address):
    """Print the newest email queued for ADDRESS (a demo applicant's sign-in code, say)."""
    message = db.session.scalar(
        select(OutboxMessage).where(OutboxMessage.to_address == address.strip().lower())
        .order_by(OutboxMessage.id.desc()).limit(1))
    if message is None:
        raise click.ClickException(f"Nothing has been queued for {address}.")
    click.echo(f"To: {message.to_address}\nSubject: {message.subject}\n\n{message.body_text}")
