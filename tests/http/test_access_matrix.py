"""The access matrix: every route of the app, for every kind of user, gets the outcome the
access policy declares. A route with no policy fails here (and is refused to everyone).

Outcomes: "allowed" is anything but a refusal (a page, a redirect elsewhere, a CSRF 400 for
a POST sent without a token, a 404 for a record that is not there is never expected); a
refusal is 403 for someone signed in and a redirect to sign-in for someone who is not. The
one 404 expected is a panel meeting a panel member may not open: it is hidden, as if it did
not exist (not invited, or after the access period).

Applicants are tried too: an applicant of the case's household and one of another household
try every route (staff pages send them to the staff sign-in; another household's records are
refused, 403 or 404); anonymous people and every kind of staff are sent to the applicants'
sign-in by every applicant's page.

Expected outcomes are worked out here from the policy's declared audience and roles, and
from what each kind of user is to the case (by hand, not by asking the policy's functions).
"""

from __future__ import annotations

import hashlib
import importlib
import re
from dataclasses import dataclass, field
from datetime import time, timedelta
from pathlib import Path

import pytest
from flask import current_app
from sqlalchemy import select

import carers
from carers.applicants.access import OWN
from carers.application.access import JOINT_APPLICANT, OWN_TASK
from carers.auth import policy
from carers.auth.roles import RECORDS_OFFICERS, RoleKey
from carers.cases.access import CASE, CASE_CHANGE, CASE_READERS, TASK
from carers.checks import operations as checks
from carers.checks.models import Check
from carers.core.dates import today, utcnow
from carers.corrections import operations as corrections
from carers.extensions import db
from carers.family import operations as family
from carers.notifications.operations import queue_email
from carers.panel.access import (
    AGENDA_ITEM,
    DECISION,
    MEETING,
    PANEL_CHAIR,
    PANEL_MEETING,
    PANEL_MEMBER,
    PANEL_MEMBERSHIP,
    PANEL_MINUTES,
)
from carers.panel.models import (
    PackCopy,
    PackJob,
    QdResponse,
)
from carers.panel.rules import PanelRole
from carers.reports import structure
from carers.reports.document import applicants_copy
from carers.reports.models import AssessmentReport
from carers.retention.models import LegalHold
from carers.subject_access.models import SubjectAccessRequest
from carers.subject_access.rules import due_date
from carers.uploads import storage
from carers.uploads.models import DocumentRequest, UploadedDocument
from carers.visits.access import CASE_VISITS, VISIT, VISIT_CHANGE
from carers.visits.operations import create_feed
from tests.factories import (
    make_address,
    make_applicant,
    make_decision,
    make_enquiry,
    make_household,
    make_meeting,
    make_panel_member,
    make_staff,
    make_task,
    make_team,
    make_training,
    make_visit,
    set_setting,
)
from tests.helpers import isolated_client, sign_in, sign_in_applicant

REFUSED, ALLOWED = "refused", "allowed"
# A panel meeting a member may not open answers 404, as if it did not exist.
HIDDEN = "not found"
PANEL_ADMINS = {RoleKey.PANEL_ADMINISTRATOR, RoleKey.ADMINISTRATOR}
# Panel members' relations to the world's meeting (each has a place on the panel list).
ON_THE_PANEL = {"invited", "chair", "uninvited"}

# Every feature's access.py: the one place each of its routes' rules is declared.
ACCESS_MODULES = [importlib.import_module(f"carers.{path.parent.name}.access")
                  for path in sorted(Path(carers.__file__).parent.glob("*/access.py"))]



@dataclass
class World:
    values: dict
    own_token: str
    used_token: str
    applicant: str
    panel_users: dict = field(default_factory=dict)
    # Arguments that differ by endpoint (member_id is a household member elsewhere).
    endpoint_values: dict = field(default_factory=dict)
    # Applicants' accounts by relation to the case: "own" (its household), "other".
    applicants: dict = field(default_factory=dict)


@pytest.fixture
def world(app):
    team, other_team = make_team("North team"), make_team("South team")
    worker = make_staff("assessing_social_worker", team=team)
    household = make_household("mainstream", "stage1", team=team, workers=[worker])
    enquiry = make_enquiry()
    member = household.members[0]
    address = make_address(household, member_id=member.id)
    task = make_task(household, worker, due_on=today())
    referee = checks.save_referee(household, worker, None, {
        "name": "Rhys Own", "email": "rhys@example.com", "relationship_to_applicant": "Friend",
        "is_family": False, "known_since_years": 5}, None)
    other = checks.save_referee(household, worker, None, {
        "name": "Olwen Other", "email": "olwen@example.com",
        "relationship_to_applicant": "Neighbour", "is_family": False,
        "known_since_years": 5}, None)
    own_token = checks.invite_referee(referee, worker)
    used_token = checks.invite_referee(other, worker)
    checks.submit_reference(other, {
        "relationship_to_applicant": "Neighbour", "years_known": 5, "observations": "Kind",
        "has_concerns": False, "concerns": None})
    check = db.session.scalars(select(Check).where(Check.household_id == household.id)).first()
    document = checks.add_document(check, worker, "dbs.pdf", "application/pdf", b"%PDF-1.4")
    db.session.commit()
    values = {
        "reference": household.reference, "check_id": check.id, "document_id": document.id,
        "member_id": member.id, "address_id": address.id, "referee_id": referee.id,
        "task_id": task.id, "token": own_token, "slug": "about-you", "action": "start_stage2",
        "index": 0, "user_id": worker.id, "task_key": "about_you", "fmt": "xlsx",
    }
    values |= {"team": team, "other_team": other_team, "worker": worker, "enquiry": enquiry}

    # Visits, the calendar feed, the report's training, a message in the outbox.
    visit = make_visit(household, worker, today() + timedelta(days=7), time(10, 0), place="office")
    feed_token = create_feed(worker)
    training = make_training(household)
    message = queue_email("matrix@example.com", "clock_digest", "matrix:1", name="X",
                          sections=[], on=today(), horizon=today(), base="", settings={})
    # The panel: a member invited to the meeting, the chair, and a member not invited; the
    # world's case is on the meeting's agenda, and each invited member has a pack.
    panel_users, members = {}, {}
    for relation, role in (("invited", PanelRole.INDEPENDENT), ("chair", PanelRole.CHAIR),
                           ("uninvited", PanelRole.INDEPENDENT)):
        members[relation] = make_panel_member(role)
        panel_users[relation] = members[relation].user
    meeting = make_meeting([members["invited"], members["chair"]], [household])
    [item] = meeting.agenda
    job = PackJob(meeting_id=meeting.id, built_at=utcnow(), pages=1)
    db.session.add(job)
    db.session.flush()
    for relation in ("invited", "chair"):
        pdf = b"%PDF-1.4 pack"
        db.session.add(PackCopy(job_id=job.id, member_id=members[relation].id, size=len(pdf),
                                sha256=hashlib.sha256(pdf).hexdigest(), pdf=pdf))
    db.session.commit()
    decision = make_decision(household, letter_pdf=b"%PDF-1.4", letter_size=8)
    # Representations after a qualifying determination, with their acknowledgement letter.
    db.session.add(QdResponse(household_id=household.id, kind="representations",
                              received_on=today(), summary="We disagree.",
                              letter_pdf=b"%PDF-1.4"))
    db.session.commit()
    values |= {"visit_id": visit.id, "meeting_id": meeting.id, "item_id": item.id,
               "decision_id": decision.id, "training_id": training.id,
               "message_id": message.id, "meeting": meeting,
               "key": structure.narrative_keys(structure.form_for(household.pathway))[0]}
    # A document asked of the household, and a file it sent (kept where uploads are kept).
    asked = DocumentRequest(household_id=household.id, member_id=member.id, kind="identity")
    db.session.add(asked)
    db.session.flush()
    with current_app.test_request_context():
        stored_name = storage.save(b"%PDF-1.4")
    sent = UploadedDocument(household_id=household.id, request_id=asked.id,
                            original_name="passport.pdf", stored_name=stored_name,
                            content_type="application/pdf", size=8, sha256="0" * 64)
    db.session.add(sent)
    db.session.commit()
    values |= {"request_id": asked.id, "upload_id": sent.id}
    # The case's family tree: two partners and a connection in its ecomap.
    mother = family.save_person(household, worker, None, {
        "name": "Ann Own", "sex": "female", "in_household": True})
    father = family.save_person(household, worker, None, {"name": "Bob Own", "sex": "male"})
    link = family.save_link(household, worker, "partners", mother, father, "married")
    entry = family.save_entry(household, worker, None, {
        "name": "Oak Lane School", "kind": "school", "strength": "strong"})
    values |= {"person_id": mother.id, "link_id": link.id, "entry_id": entry.id}
    # A dispute about the member's details, to be resolved.
    dispute = corrections.record_dispute("household_member", member.id, worker,
                                         household_id=household.id, disputed_by="Ann Own",
                                         what="Their date of birth", account="It is wrong.")
    values |= {"dispute_id": dispute.id}
    # A legal hold on the world's enquiry (the records officers lift it).
    hold = LegalHold(enquiry_id=enquiry.id, reason=LegalHold.COMPLAINT, details="C-1",
                     placed_by_id=worker.id)
    db.session.add(hold)
    db.session.commit()
    values |= {"hold_id": hold.id}
    # The first list page of the application (the enquiry journey's pages use ``slug`` too).
    previous_names = {"task_key": "about_you", "slug": "previous-names", "index": 0}
    endpoint_values = {"panel.edit_member": {"member_id": members["invited"].id},
                       "visits.feed": {"token": feed_token},
                       "application.question": previous_names,
                       "figures.cases": {"figure": "open"},
                       "figures.cases_download": {"figure": "open"},
                       "application.item": previous_names}
    # An applicant of the case's household, and one of another household. Applicants' pages
    # about one record of the household (a document, a message) take their ids from
    # ``values`` as staff pages do: the other household's applicant must be refused them.
    applicants = {"own": make_applicant(household, member),
                  "other": make_applicant(make_household("mainstream", "stage1", team=team))}
    values |= {"applicant_id": applicants["own"].id}
    # The case's report, shared with its household for their comments.
    report = AssessmentReport(household_id=household.id, form="form_f")
    db.session.add(report)
    db.session.flush()
    report.shared_content = applicants_copy(household, report)
    report.shared_at, report.shared_on = utcnow(), today()
    db.session.commit()
    # A subject access request about the case's first member.
    sar = SubjectAccessRequest(requester_name="Matrix Person", received_on=today(),
                               due_on=due_date(today()),
                               links=[{"source": "household_member", "id": member.id}])
    db.session.add(sar)
    db.session.commit()
    values |= {"sar_id": sar.id}
    return World(values, own_token, used_token, household.name, panel_users, endpoint_values,
                 applicants)

# The kinds of user. Each is (roles, relation to the case).
STAFF_KINDS = {f"{role.value} in the case's team": (role, "team") for role in RoleKey}
STAFF_KINDS |= {
    "allocated worker": (RoleKey.ASSESSING_SOCIAL_WORKER, "allocated"),
    "assessing social worker outside the case's team": (RoleKey.ASSESSING_SOCIAL_WORKER,
                                                        "outside"),
    "team manager outside the case's team": (RoleKey.TEAM_MANAGER, "outside"),
    "panel member not on the panel list": (RoleKey.PANEL_MEMBER, "none"),
    "panel member invited to the meeting": (RoleKey.PANEL_MEMBER, "invited"),
    "panel chair invited to the meeting": (RoleKey.PANEL_MEMBER, "chair"),
    "panel member not invited to the meeting": (RoleKey.PANEL_MEMBER, "uninvited"),
}
AGENCY_WIDE = {RoleKey.ADMINISTRATOR, RoleKey.AGENCY_DECISION_MAKER,
               RoleKey.PANEL_ADMINISTRATOR, RoleKey.SERVICE_MANAGER}
# Applicants, by their relation to the case.
APPLICANT_KINDS = {"applicant of the case's household": "own",
                   "applicant of another household": "other"}
# Record rules of applicants' pages that act only on the signed-in applicant's own household
# or their own part of its application (no record is named in the URL): any applicant may
# use them. The shared report is not among them: the other household has none shared yet.
OWN_HOUSEHOLD_RULES = {None, OWN, OWN_TASK, JOINT_APPLICANT}
SIGN_IN_PAGES = ("/staff/sign-in", "/apply/sign-in")
SIGNING_OUT = {"auth.sign_out", "applicants.sign_out"}


def expected_for_applicant(rule: policy.Rule, relation: str) -> str:
    if rule.audience in (policy.PUBLIC, policy.REFEREE, policy.LINK):
        return ALLOWED
    if rule.audience != policy.APPLICANT:
        return REFUSED  # no staff page, nor any page for signed-in staff accounts
    if relation == "own" or rule.record in OWN_HOUSEHOLD_RULES:
        return ALLOWED
    return REFUSED  # the case household's records are not another household's


def expected(rule: policy.Rule, role: RoleKey | None, relation: str,
             team_read: bool = True, meeting_over: bool = False) -> str:
    if rule.audience in (policy.PUBLIC, policy.REFEREE, policy.LINK):
        return ALLOWED
    if role is None or rule.audience == policy.APPLICANT:
        return REFUSED  # applicants' pages are for applicants only
    if rule.audience == policy.STAFF and role not in rule.roles:
        return REFUSED
    # The panel member's own pages: on the panel list, invited, and within the access period.
    open_to = {"invited", "chair"} if not meeting_over else set()
    if rule.record == PANEL_MEMBERSHIP:
        return ALLOWED if relation in ON_THE_PANEL else REFUSED
    if rule.record == PANEL_MEETING:
        return ALLOWED if relation in open_to else HIDDEN
    if rule.record == PANEL_CHAIR:
        if relation not in open_to:
            return HIDDEN
        return ALLOWED if relation == "chair" else REFUSED
    if rule.record == PANEL_MINUTES:
        if role in PANEL_ADMINS:
            return ALLOWED
        if relation not in open_to:
            return HIDDEN
        return ALLOWED if relation == "chair" else REFUSED
    if rule.record in (MEETING, AGENDA_ITEM, PANEL_MEMBER):
        return ALLOWED  # the panel administrators manage every meeting and member
    if rule.record in (CASE_CHANGE, TASK, VISIT_CHANGE):
        # Administrators and the service manager, who runs every team, change any case.
        if relation == "allocated" or role in (RoleKey.ADMINISTRATOR, RoleKey.SERVICE_MANAGER):
            return ALLOWED
        return ALLOWED if relation == "team" and role == RoleKey.TEAM_MANAGER else REFUSED
    # Visits are seen as the case is read (the allocated worker also attends the visit), and
    # changed as the case is, or by the visit's own workers.
    if rule.record in (CASE, DECISION, CASE_VISITS, VISIT):
        if role not in CASE_READERS:
            return REFUSED
        if relation == "allocated" or role in AGENCY_WIDE:
            return ALLOWED
        if relation == "team":
            return ALLOWED if team_read or role == RoleKey.TEAM_MANAGER else REFUSED
        return REFUSED
    return ALLOWED


def url_for_rule(app, endpoint, world):
    from flask import url_for

    rule = next(r for r in app.url_map.iter_rules() if r.endpoint == endpoint)
    args = {}
    special = world.endpoint_values.get(endpoint, {})
    for name in rule.arguments - set(rule.defaults or {}):
        if name in special:
            args[name] = special[name]
        elif name == "reference" and endpoint.startswith("inbox."):
            args[name] = world.values["enquiry"].reference
        else:
            args[name] = world.values[name]
    # Whatever else a page needs goes in its query string (the figure a list is of).
    args |= {name: value for name, value in special.items() if name not in args}
    with app.test_request_context():
        url = url_for(endpoint, **args)
    method = "GET" if "GET" in rule.methods else "POST"
    return url, method


def outcome(response, signed_in: bool, public: bool = False, applicant: bool = False) -> str:
    assert response.status_code != 500
    if public:  # sign-in steps send strays back to sign in: that is not a refusal
        return REFUSED if response.status_code == 403 else ALLOWED
    if signed_in and response.status_code == 403:
        return REFUSED
    # Sent to sign in: staff's or applicants' (a page for the other kind of account).
    location = response.headers.get("Location", "")
    if response.status_code == 302 and any(page in location for page in SIGN_IN_PAGES):
        return REFUSED
    if response.status_code == 403:
        return REFUSED
    if response.status_code == 404:
        # Another household's record is hidden from an applicant, as if it did not exist;
        # otherwise the matrix's records all exist: never expected.
        return REFUSED if applicant else "not found"
    return ALLOWED


def app_endpoints(app):
    return sorted({r.endpoint for r in app.url_map.iter_rules()})


def test_every_route_has_a_policy(app):
    missing = [e for e in app_endpoints(app) if policy.rule_for(e) is None]
    assert not missing, f"routes with no access policy: {missing}"
    stale = set(policy.POLICY) - set(app_endpoints(app))
    assert not stale, f"policy entries for routes that do not exist: {stale}"
    # Staff pages are never public (signing in and out apart), and a case rule needs a case.
    for url_rule in app.url_map.iter_rules():
        rule = policy.rule_for(url_rule.endpoint)
        if url_rule.rule.startswith("/staff/") and url_rule.endpoint not in {
                "auth.sign_in", "auth.second_factor", "auth.recovery_code", "auth.sign_out"}:
            assert rule.audience in (policy.STAFF, policy.SIGNED_IN, policy.LINK), \
                url_rule.endpoint
        if rule.record in (CASE, CASE_CHANGE):
            assert "reference" in url_rule.arguments, url_rule.endpoint
        # Applicants' pages are never staff pages (nor the other way round, above).
        if rule.audience == policy.APPLICANT:
            assert not url_rule.rule.startswith("/staff/"), url_rule.endpoint


def test_each_route_is_declared_once_beside_its_feature(app):
    # Every rule comes from exactly one feature's access.py ROUTES.
    from_features = [endpoint for module in ACCESS_MODULES for endpoint in module.ROUTES]
    assert len(from_features) == len(set(from_features))
    assert set(from_features) | {"static"} | {e for e in policy.POLICY if e.startswith("pages.")} \
        == set(app_endpoints(app))
    # A second, different rule for a route already declared stops the app from starting.
    with pytest.raises(ValueError, match="declared twice"):
        policy.declare({"cases.case": policy.public()})
    assert policy.rule_for("cases.case").audience == policy.STAFF
    with pytest.raises(ValueError, match="unknown record rule"):
        policy.declare({"made.up": policy.staff(record="no-such-rule")})
    assert policy.rule_for("made.up") is None


def test_a_route_without_a_policy_is_refused_to_everyone(app):
    @app.get("/staff/unlisted")
    def unlisted():
        return "secret"

    admin = make_staff("administrator")
    client = isolated_client(app)
    assert client.get("/staff/unlisted").status_code == 403
    sign_in(client, admin)
    assert client.get("/staff/unlisted").status_code == 403
    assert policy.rule_for("unlisted") is None


def run_matrix(app, world, team_read=True, meeting_over=False, prefix=""):
    failures = []
    routes = [(e, *url_for_rule(app, e, world)) for e in app_endpoints(app)
              if e != "static" and e.startswith(prefix)]
    kinds = {"anonymous": (None, "none")} | STAFF_KINDS
    kinds |= {kind: (None, relation) for kind, relation in APPLICANT_KINDS.items()}
    for kind, (role, relation) in kinds.items():
        client = isolated_client(app)
        is_applicant = kind in APPLICANT_KINDS
        if is_applicant:
            sign_in_applicant(client, world.applicants[relation])
        elif role is not None:
            team = {"team": world.values["team"], "allocated": world.values["team"],
                    "outside": world.values["other_team"]}.get(relation)
            if relation == "allocated":
                user = world.values["worker"]
            elif relation in ON_THE_PANEL:
                user = world.panel_users[relation]
            else:
                user = make_staff(role, team=team)
            sign_in(client, user)
        for endpoint, url, method in routes:
            if endpoint in SIGNING_OUT:
                continue  # signing out is open to all; checked on its own below
            response = client.open(url, method=method)
            rule = policy.rule_for(endpoint)
            public = rule.audience in (policy.PUBLIC, policy.REFEREE, policy.LINK)
            if is_applicant:
                got = outcome(response, True, public, applicant=True)
                want = expected_for_applicant(rule, relation)
            else:
                got = outcome(response, role is not None, public)
                want = expected(rule, role, relation, team_read, meeting_over)
            if got != want:
                failures.append(f"{kind}: {method} {url} ({endpoint}) {response.status_code}, "
                                f"expected {want}")
    return failures


def test_the_access_matrix(app, world):
    failures = run_matrix(app, world)
    assert not failures, "\n".join(failures)


def test_the_access_matrix_without_team_wide_reading(app, world):
    set_setting("team_read_access", False)
    failures = run_matrix(app, world, team_read=False)
    assert not failures, "\n".join(failures)


def test_after_the_access_period_panel_members_reach_no_meeting_page(app, world):
    meeting = world.values["meeting"]
    meeting.meets_on = today() - timedelta(days=31)  # the access period is 30 days
    db.session.commit()
    failures = run_matrix(app, world, meeting_over=True, prefix="panel.")
    assert not failures, "\n".join(failures)


def test_a_referee_sees_their_own_form_and_nothing_else(app, world):
    client = isolated_client(app)
    own = client.get(f"/reference/{world.own_token}")
    assert own.status_code == 200
    html = own.get_data(as_text=True)
    assert world.applicant in html
    # Another referee's (already used) link, and a guessed one, show nothing of the case.
    for token in (world.used_token, world.own_token[:-2] + "xx"):
        html = client.get(f"/reference/{token}").get_data(as_text=True)
        assert world.applicant not in html and "Olwen" not in html
        assert re.search(r"already been sent|not valid", html)
    # Holding a link opens no staff page, and no applicant's page.
    for endpoint in app_endpoints(app):
        rule = policy.rule_for(endpoint)
        if rule.audience in (policy.STAFF, policy.SIGNED_IN, policy.APPLICANT):
            url, method = url_for_rule(app, endpoint, world)
            assert outcome(client.open(url, method=method), False) == REFUSED, url


def test_roles_that_need_two_step_sign_in_reach_only_its_set_up_first(app):
    app.config["SECOND_FACTOR_REQUIRED_ROLES"] = None  # the agency's rule: every role, by default
    for role in [r.value for r in RoleKey]:
        client = isolated_client(app)
        sign_in(client, make_staff(role))
        for url_rule in app.url_map.iter_rules():
            rule = policy.rule_for(url_rule.endpoint)
            if rule.audience not in (policy.STAFF, policy.SIGNED_IN) or url_rule.arguments \
                    or "GET" not in url_rule.methods:
                continue
            response = client.get(url_rule.rule)
            to_set_up = response.headers.get("Location", "").endswith(
                "/staff/account/two-step/set-up")
            assert to_set_up is (not rule.before_second_factor), (role, url_rule.rule)


def test_the_pipeline_lists_only_cases_the_person_may_read(app, world):
    household_ref = world.values["reference"]
    theirs = make_household("mainstream", "stage1", team=world.values["other_team"])
    for role, team, sees_ours, sees_theirs in [
            ("recruitment_officer", world.values["team"], True, False),
            ("team_manager", world.values["other_team"], False, True),
            ("agency_decision_maker", world.values["other_team"], True, True)]:
        client = isolated_client(app)
        sign_in(client, make_staff(role, team=team))
        board = client.get("/staff/pipeline?stage=stage1").get_data(as_text=True)
        assert (household_ref in board) is sees_ours, role
        assert (theirs.reference in board) is sees_theirs, role


def test_asking_the_policy_about_a_hidden_meeting_says_no(app, world):
    args = {"meeting_id": world.values["meeting_id"]}
    assert policy.may_use(world.panel_users["invited"], "panel.my_meeting", args)
    assert not policy.may_use(world.panel_users["uninvited"], "panel.my_meeting", args)
    assert not policy.may_use(world.panel_users["invited"], "panel.my_meeting",
                              {"meeting_id": 999999})
    assert not policy.may_use(world.panel_users["invited"], "panel.recommendation",
                              args | {"reference": world.values["reference"]})
    assert policy.may_use(world.panel_users["chair"], "panel.recommendation",
                          args | {"reference": world.values["reference"]})


def test_figures_are_read_for_a_team_only_by_its_manager_or_agency_wide(app):
    """The figures' pages for a named team (``?team=``): every other role is refused them,
    a team manager reads their own team's and is refused another's, the service manager
    and the agency decision maker read any team's."""
    team, other = make_team("North figures"), make_team("South figures")
    endpoints = sorted({r.endpoint for r in app.url_map.iter_rules()
                        if r.endpoint.startswith("figures.")})
    assert len(endpoints) == 7
    for role in RoleKey:
        user = make_staff(role.value, team=team)
        client = isolated_client(app)
        sign_in(client, user)
        for endpoint in endpoints:
            for asked, relation in ((team, "own"), (other, "other")):
                with app.test_request_context():
                    url = url_for_figures(endpoint, asked)
                got = client.get(url).status_code
                if role in (RoleKey.SERVICE_MANAGER, RoleKey.AGENCY_DECISION_MAKER) or (
                        role == RoleKey.TEAM_MANAGER and relation == "own"):
                    assert got == 200, (role, url, got)
                else:
                    assert got == 403, (role, url, got)


def url_for_figures(endpoint: str, team) -> str:
    from flask import url_for

    extra = {"figures.cases": {"figure": "open"},
             "figures.cases_download": {"figure": "open", "fmt": "csv"},
             "figures.dashboard_download": {"fmt": "xlsx"},
             "figures.ofsted_download": {"fmt": "csv"}}.get(endpoint, {})
    return url_for(endpoint, team=team.id, **extra)


def test_subject_access_pages_are_for_records_officers_only(app, world):
    """Every subject access route: the records officers (team managers, the service manager,
    the information governance officer) are let in, every other role is refused."""
    endpoints = sorted(e for e in app_endpoints(app) if e.startswith("subject_access."))
    assert len(endpoints) == 10
    for role in RoleKey:
        client = isolated_client(app)
        sign_in(client, make_staff(role.value, team=world.values["team"]))
        allowed = role in RECORDS_OFFICERS
        for endpoint in endpoints:
            url, method = url_for_rule(app, endpoint, world)
            got = outcome(client.open(url, method=method), True)
            assert got == (ALLOWED if allowed else REFUSED), (role, endpoint, got)


def test_the_register_is_read_only_by_its_readers(app):
    """The register of approved carers, page and downloads: records officers (team and
    service managers, the information governance officer), the panel administrator and the
    agency decision maker; every other role is refused."""
    readers = {RoleKey.TEAM_MANAGER, RoleKey.SERVICE_MANAGER, RoleKey.INFORMATION_GOVERNANCE,
               RoleKey.PANEL_ADMINISTRATOR, RoleKey.AGENCY_DECISION_MAKER}
    for role in RoleKey:
        client = isolated_client(app)
        sign_in(client, make_staff(role.value))
        for url in ("/staff/records/register", "/staff/records/register/download.csv",
                    "/staff/records/register/download.xlsx"):
            got = client.get(url).status_code
            assert got == (200 if role in readers else 403), (role, url, got)
    assert isolated_client(app).get("/staff/records/register").status_code == 302


def test_corrections_and_disputes_are_for_those_who_change_the_case():
    routes = {**importlib.import_module("carers.cases.access").ROUTES}
    assert routes["cases.person"].record == CASE
    for endpoint in ("cases.correct_person", "cases.correct_contact", "cases.new_dispute",
                     "cases.resolve_dispute"):
        assert routes[endpoint].record == CASE_CHANGE, endpoint
