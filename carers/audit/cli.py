import click
from flask.cli import AppGroup

from carers.audit.chain import seal_head, verify

audit_cli = AppGroup("audit", help="The audit trail.")


@audit_cli.command("verify")
def verify_command():
    """Check every entry's hash against its content and the entry before it."""
    verdict = verify()
    click.echo(verdict.message())
    if not verdict.ok:
        raise SystemExit(1)


@audit_cli.command("seal")
def seal_command():
    """Seal the chain's head with the key, after checking every entry. Needed once after the
    upgrade that added the seal, and after changing AUDIT_ANCHOR_KEY."""
    verdict = seal_head()
    click.echo(verdict.message())
    if not verdict.ok:
        raise SystemExit(1)
