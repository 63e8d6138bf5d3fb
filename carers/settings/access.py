"""Who may change the agency's settings: administrators."""

from carers.auth.policy import staff
from carers.auth.roles import ADMINISTRATORS

ROUTES = {
    "settings.edit": staff(ADMINISTRATORS),
}
