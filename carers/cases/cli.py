import click
from flask.cli import AppGroup
from sqlalchemy import select

from carers.audit.operations import record as audit
from carers.cases.models import Team
from carers.extensions import db
from carers.pipeline import Pathway

teams_cli = AppGroup("teams", help="Teams and the enquiries they take.")


@teams_cli.command("inbox")
@click.argument("name")
@click.option("--pathway", type=click.Choice([p.value for p in Pathway]), default=None,
              help="The pathway whose new enquiries this team takes.")
@click.option("--email", default=None, help="The team's inbox for new enquiry alerts.")
def inbox_command(name, pathway, email):
    """Make NAME the team that takes one pathway's enquiries, alerted at its own inbox.
    For example: flask teams inbox "Kinship" --pathway connected_person
    --email kinship@example.gov.uk"""
    team = db.session.scalar(select(Team).where(Team.name == name))
    if team is None:
        raise click.ClickException(f"There is no team called {name!r}.")
    if email is not None and "@" not in email:
        raise click.BadParameter("Enter an email address, like kinship@example.gov.uk",
                                 param_hint="--email")
    if pathway is not None:
        team.pathway = pathway
    if email is not None:
        team.email = email or None
    audit("update", "team", team.id, {"pathway": team.pathway, "email": team.email})
    db.session.commit()
    click.echo(f"{team.name}: takes {team.pathway or 'no particular'} enquiries; alerts go to "
               f"{team.email or 'the fostering team email'}.")
