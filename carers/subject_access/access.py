"""Who handles subject access requests: the records officers (team managers, the service
manager and the information governance officer). Every request is agency-wide: a person's
records may sit in any team's cases, so no team rule narrows them."""

from carers.auth.policy import staff
from carers.auth.roles import RECORDS_OFFICERS

ROUTES = {
    "subject_access.requests": staff(RECORDS_OFFICERS),
    "subject_access.search_page": staff(RECORDS_OFFICERS),
    "subject_access.open_request": staff(RECORDS_OFFICERS),
    "subject_access.request": staff(RECORDS_OFFICERS),
    "subject_access.extend": staff(RECORDS_OFFICERS),
    "subject_access.complete": staff(RECORDS_OFFICERS),
    "subject_access.review": staff(RECORDS_OFFICERS),
    "subject_access.release": staff(RECORDS_OFFICERS),
    "subject_access.bundle_pdf": staff(RECORDS_OFFICERS),
    "subject_access.bundle_zip": staff(RECORDS_OFFICERS),
}
