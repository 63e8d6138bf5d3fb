"""Who reads the register of approved carers: the records officers, the panel administrators
and the agency decision maker. The register is the agency's, not a team's: every reader sees
every approved household."""

from carers.auth.policy import staff
from carers.auth.roles import REGISTER_READERS

ROUTES = {
    "register.index": staff(REGISTER_READERS),
    "register.download": staff(REGISTER_READERS),
}
