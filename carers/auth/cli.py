import click
from flask.cli import AppGroup

from carers.auth.operations import create_user
from carers.auth.passwords import password_problem
from carers.auth.roles import RoleKey
from carers.extensions import db

users_cli = AppGroup("users", help="Staff accounts.")


@users_cli.command("create")
@click.option("--email", prompt=True)
@click.option("--name", prompt=True)
@click.option("--role", "roles", multiple=True, default=[RoleKey.ADMINISTRATOR.value],
              type=click.Choice([r.value for r in RoleKey]), show_default=True)
@click.password_option()
def create_command(email, name, roles, password):
    """Create a staff account (the first administrator, for example)."""
    problem = password_problem(password, email)
    if problem:
        raise click.BadParameter(problem.replace("Password must be at least",
                                                 "Use at least"), param_hint="password")
    try:
        user = create_user(email, name, password, list(roles))
    except ValueError as error:
        raise click.ClickException(str(error)) from None
    db.session.commit()
    click.echo(f"Created {user.email} ({', '.join(roles)}).")
