"""Test data for visits: a team, a worker and a household with an address and email."""

from datetime import date, time

from carers.core.dates import LONDON
from tests.factories import make_household, make_staff, make_team


def visit_case(worker_role="assessing_social_worker"):
    team = make_team()
    worker = make_staff(worker_role, team=team, name="Aled Jones")
    household = make_household("mainstream", "stage1", team=team, workers=[worker],
                               name="Priya and Sam Shah", email="shah.family@example.com",
                               address="12 Chapel Street, Northmoor", postcode="NM1 2AB")
    return team, worker, household


def at_london(day: date, at: time):
    from datetime import datetime

    return datetime.combine(day, at, LONDON)
