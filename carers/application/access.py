"""Who may use the application's pages.

An applicant's pages take no record id from the URL: each acts on the signed-in person's
own row of the task named (their own for a personal task, their household's for a shared
one), so changing a URL can reach no one else's answers. The task rule refuses a task the
person does not do (another adult of the household does only "About you" and "Consent to
checks"); the declaration is for joint applicants only. Staff read the answers as they read
the case, and reopen a task as they change it.
"""

from werkzeug.exceptions import NotFound

from carers.application import rules
from carers.auth.policy import applicant, record_rule, staff
from carers.auth.roles import CASE_READERS
from carers.cases.access import CASE, CASE_CHANGE

OWN_TASK = "own_application_task"  # a task of the signed-in person's own
JOINT_APPLICANT = "joint_applicant"  # the signed-in person is applying (not another adult)

ROUTES = {
    "application.task_list": applicant(),
    "application.task": applicant(record=OWN_TASK),
    "application.question": applicant(record=OWN_TASK),
    "application.item": applicant(record=OWN_TASK),
    "application.check": applicant(record=OWN_TASK),
    "application.check_all": applicant(record=JOINT_APPLICANT),
    "application.declaration": applicant(record=JOINT_APPLICANT),
    "application.case_answers": staff(CASE_READERS, record=CASE),
    "application.reopen": staff(CASE_READERS, record=CASE_CHANGE),
}


@record_rule(OWN_TASK)
def _own_task(person, args) -> bool:
    task = rules.BY_KEY.get(str(args.get("task_key", "")))
    if task is None:
        raise NotFound()
    return person.role in task.roles


@record_rule(JOINT_APPLICANT)
def _joint_applicant(person, args) -> bool:
    return person.role == rules.APPLICANT
