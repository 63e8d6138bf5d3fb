import click
from flask.cli import AppGroup

from carers.demo.applicants import memorable_applicants
from carers.demo.data import (
    DEMO_PASSWORD,
    DEMO_TOTP_SECRET,
    HOUSEHOLDS,
    demo_summary,
    load_demo,
)

demo_cli = AppGroup("demo", help="Realistic synthetic data for trying the service.")


@demo_cli.command("load")
@click.option("--households", default=HOUSEHOLDS, show_default=True,
              help="How many enquiries to make (cases are opened from most of them).")
def load_command(households):
    """Create a synthetic agency: two teams with staff in every role, a few hundred
    enquiries and cases at every stage of both pathways. Running it again changes nothing."""
    try:
        staff = load_demo(households=households)
    except RuntimeError as error:
        raise click.ClickException(str(error)) from None
    if staff is None:
        click.echo("Demo data is already loaded; nothing changed.")
        _explain_two_step()
        _list_applicants()
        return
    click.echo("Cases by stage:")
    for pathway, stage, count in demo_summary():
        click.echo(f"  {pathway:<28} {stage:<40} {count:>4}")
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000/staff/sign-in with:")
    for email, role, team in staff:
        click.echo(f"  {role:<26} {team:<27} {email:<40} password: {DEMO_PASSWORD}")
    _explain_two_step()
    _list_applicants()


def _explain_two_step():
    click.echo("Every demo account uses two-step sign in. After the password, enter a code from "
               "an authenticator app set up with the key")
    click.echo(f"  {DEMO_TOTP_SECRET}")
    click.echo("or run `flask --app carers demo code` for the current code.")


def _list_applicants():
    applicants = memorable_applicants()
    if not applicants:
        return
    click.echo("Demo applicants sign in at http://127.0.0.1:5000/apply/sign-in with one of:")
    for email, name, reference, situation in applicants:
        click.echo(f"  {email:<40} {name} ({reference}): {situation}")
    click.echo("and read the six-digit code they are sent with "
               "`flask --app carers outbox latest ADDRESS`.")


@demo_cli.command("code")
def code_command():
    """Print the current two-step sign-in code for the demo accounts."""
    import pyotp

    click.echo(pyotp.TOTP(DEMO_TOTP_SECRET).now())
