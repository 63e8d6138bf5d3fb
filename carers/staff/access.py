"""Who may manage staff accounts: administrators."""

from carers.auth.policy import staff
from carers.auth.roles import ADMINISTRATORS

ROUTES = {
    "staff.index": staff(ADMINISTRATORS),
    "staff.invite": staff(ADMINISTRATORS),
    "staff.edit": staff(ADMINISTRATORS),
    "staff.deactivate": staff(ADMINISTRATORS),
    "staff.reactivate": staff(ADMINISTRATORS),
    "staff.reset_second_factor": staff(ADMINISTRATORS),
    "staff.invite_again": staff(ADMINISTRATORS),
}
