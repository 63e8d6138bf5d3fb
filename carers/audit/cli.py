import click
from flask.cli import AppGroup

from carers.audit.chain import verify

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Check every entry's hash against its content and the entry before it."""
    verdict = verify()
    click.echo(verdict.message())
    if not verdict.ok:
        raise SystemExit(1)
