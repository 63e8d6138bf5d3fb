import click
from flask.cli import AppGroup

from carers.demo.data import DEMO_PASSWORD, load_demo

demo_cli = AppGroup("demo", help="Realistic synthetic data for trying the service.")


@demo_cli.command("load")
def load_command():
    """Create a synthetic agency: staff of every role and a few hundred households.
    Running it again changes nothing."""
    staff = load_demo()
    if staff is None:
        click.echo("Demo data is already loaded; nothing changed.")
        return
    click.echo("Demo data loaded. Sign in at http://127.0.0.1:5000/staff/sign-in with:")
    for email, role in staff:
        click.echo(f"  {role:<28} {email:<40} password: {DEMO_PASSWORD}")
