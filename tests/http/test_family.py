"""The family tree pages of a case: building a kinship family through the forms, refusals
that keep what was typed, the drawing and its words on the page, who may see and change it,
and the audit trail of who looked."""

import re
from html import unescape

from sqlalchemy import select

from carers.audit.models import AuditEvent
from carers.extensions import db
from carers.family.models import EcomapEntry, FamilyLink, FamilyPerson
from tests.factories import make_household, make_member, make_staff, make_team
from tests.helpers import client_for, csrf_token, html_of


def kinship_case():
    team = make_team()
    worker = make_staff("assessing_social_worker", team=team)
    household = make_household("connected_person", "viability_assessment", team=team,
                               workers=[worker], child_name="Mia Price")
    household.members[0].name = "Margaret Hall"
    db.session.commit()
    return team, worker, household


def post(client, url, data, page=None):
    token = csrf_token(html_of(client.get(page or url)))
    return client.post(url, data={"csrf_token": token, **data})


def person_id(household, name) -> int:
    return db.session.scalar(select(FamilyPerson.id).where(
        FamilyPerson.household_id == household.id, FamilyPerson.name == name))


def error_summary(html: str) -> list[str]:
    summary = html.split('govuk-error-summary__list"', 1)[1].split("</ul>", 1)[0]
    return [unescape(re.sub(r"<[^>]+>", "", item)).strip()
            for item in re.findall(r"<li>(.*?)</li>", summary, re.S)]


def test_a_worker_builds_a_three_generation_family_through_the_pages(app):
    _team, worker, household = kinship_case()
    make_member(household, "Leo Price", "relative", lives_in_household=False,
                date_of_birth=None)
    client = client_for(app, worker)
    base = f"/staff/cases/{household.reference}/family"

    page = html_of(client.get(f"/staff/cases/{household.reference}"))
    assert base in page and "Family tree and ecomap" in page
    page = html_of(client.get(base))
    assert "Not in the family tree yet: Margaret Hall, Leo Price, Mia Price." in page

    # The case's people, without typing them again, the subject child marked.
    response = post(client, f"{base}/people/from-case", {}, page=base)
    assert response.status_code == 302
    people = db.session.scalars(select(FamilyPerson).where(
        FamilyPerson.household_id == household.id).order_by(FamilyPerson.position)).all()
    assert [(p.name, p.member_id is not None, p.subject_child, p.birth_year)
            for p in people] == [("Margaret Hall", True, False, None),
                                 ("Leo Price", True, False, None),
                                 ("Mia Price", False, True, 2019)]
    assert "Not in the family tree yet" not in html_of(client.get(base))
    # Twice changes nothing.
    post(client, f"{base}/people/from-case", {}, page=base)
    assert db.session.scalar(select(db.func.count(FamilyPerson.id))) == 3

    for name, sex, year, died in (("George Hall", "male", "1950", "2019"),
                                  ("Lisa Hall", "female", "1980", ""),
                                  ("Dean Price", "male", "1978", "")):
        response = post(client, f"{base}/people/new", {
            "name": name, "sex": sex, "birth_year": year, "died": "y" if died else "",
            "died_year": died, "member_id": ""})
        assert response.status_code == 302, error_summary(html_of(response))
    for name, sex in (("Margaret Hall", "female"), ("Leo Price", "male"),
                      ("Mia Price", "female")):
        pid = person_id(household, name)
        url = f"{base}/people/{pid}"
        person = db.session.get(FamilyPerson, pid)
        response = post(client, url, {
            "name": name, "sex": sex,
            "birth_year": {"Leo Price": "2012", "Mia Price": "2019"}.get(name, ""),
            "in_household": "y" if name != "Leo Price" else "",
            "subject_child": "y" if name == "Mia Price" else "",
            "member_id": str(person.member_id or "")})
        assert response.status_code == 302, error_summary(html_of(response))

    ids = {name: person_id(household, name) for name in (
        "George Hall", "Margaret Hall", "Lisa Hall", "Dean Price", "Mia Price", "Leo Price")}
    for a, b, status in (("George Hall", "Margaret Hall", "married"),
                         ("Lisa Hall", "Dean Price", "separated")):
        response = post(client, f"{base}/links/partners",
                        {"first": ids[a], "second": ids[b], "status": status})
        assert response.status_code == 302, error_summary(html_of(response))
    for parent, child in (("George Hall", "Lisa Hall"), ("Margaret Hall", "Lisa Hall"),
                          ("Lisa Hall", "Mia Price"), ("Dean Price", "Mia Price"),
                          ("Lisa Hall", "Leo Price"), ("Dean Price", "Leo Price")):
        response = post(client, f"{base}/links/parent",
                        {"parent": ids[parent], "child": ids[child]})
        assert response.status_code == 302, error_summary(html_of(response))
    response = post(client, f"{base}/ecomap/new", {
        "name": "Oak Lane Primary", "kind": "school", "strength": "strong"})
    assert response.status_code == 302

    page = html_of(client.get(base))
    assert page.count('class="genogram"') == 1 and page.count('class="ecomap"') == 1
    assert 'class="person male deceased"' in page
    assert 'class="person female subject in-household"' in page
    assert 'class="partnership separated"' in page
    words = unescape(page.split('id="tree-words"')[1].split("</ul>")[0])
    assert ("Mia Price (female, born 2019, lives in the household, the child this "
            "assessment is about): daughter of Lisa Hall and Dean Price; sister of Leo "
            "Price") in words
    assert "George Hall (male, born 1950, died 2019)" in words
    assert "Oak Lane Primary (school or nursery): a strong connection" in unescape(page)

    # Removing a person takes their relationships with them.
    url = f"{base}/people/{ids['Dean Price']}/remove"
    assert "Lisa Hall and Dean Price: separated" in unescape(html_of(client.get(url)))
    assert post(client, url, {}).status_code == 302
    assert db.session.scalar(select(db.func.count(FamilyLink.id)).where(
        FamilyLink.household_id == household.id)) == 5

    # Whoever looked, and every change, is in the audit trail.
    trail = db.session.scalars(select(AuditEvent.object_type).where(
        AuditEvent.user_id == worker.id)).all()
    assert trail.count("family_tree") >= 3
    assert {"family_person", "family_link", "ecomap_entry"} <= set(trail)


def test_a_person_with_wrong_answers_is_refused_and_keeps_what_was_typed(app):
    _team, worker, household = kinship_case()
    client = client_for(app, worker)
    url = f"/staff/cases/{household.reference}/family/people/new"
    response = post(client, url, {"name": "", "sex": "", "birth_year": "nineteen",
                                  "died_year": "1990", "member_id": ""})
    assert response.status_code == 200
    page = html_of(response)
    assert error_summary(page) == [
        "Enter the person's full name", "Select the person's sex",
        "Year of birth must be a year, like 1975",
        "Tick that this person has died, or leave the year they died blank"]
    assert 'value="nineteen"' in page and 'value="1990"' in page
    assert page.startswith("<!DOCTYPE html>") and "<title>Error:" in page

    response = post(client, url, {"name": "Jo <b>Hall</b>", "sex": "female",
                                  "birth_year": "1990", "died": "y", "died_year": "1980",
                                  "member_id": "999999"})
    page = html_of(response)
    assert error_summary(page) == [
        "Year they died must be the same as or after the year of birth",
        "Select one of the options"]
    assert 'value="Jo &lt;b&gt;Hall&lt;/b&gt;"' in page and "<b>Hall" not in page
    assert db.session.scalar(select(db.func.count(FamilyPerson.id))) == 0


def test_relationships_the_tree_cannot_hold_are_refused_with_the_choice_kept(app):
    _team, worker, household = kinship_case()
    client = client_for(app, worker)
    base = f"/staff/cases/{household.reference}/family"
    for name in ("Ann", "Ben"):
        post(client, f"{base}/people/new", {"name": name, "sex": "female", "member_id": ""})
    ann, ben = person_id(household, "Ann"), person_id(household, "Ben")

    response = post(client, f"{base}/links/parent", {"parent": "", "child": ""})
    assert error_summary(html_of(response)) == ["Select the parent", "Select the child"]
    response = post(client, f"{base}/links/parent", {"parent": ann, "child": ann})
    page = html_of(response)
    assert error_summary(page) == ["Select two different people"]
    assert page.count(f'<option value="{ann}" selected>') == 2

    assert post(client, f"{base}/links/parent",
                {"parent": ann, "child": ben}).status_code == 302
    response = post(client, f"{base}/links/parent", {"parent": ben, "child": ann})
    assert error_summary(html_of(response)) == [
        "These two people are already linked. Remove that link first to change it"]
    response = post(client, f"{base}/links/partners", {"first": ann, "second": ben})
    assert error_summary(html_of(response)) == ["Select their relationship"]
    assert db.session.scalar(select(db.func.count(FamilyLink.id))) == 1

    response = post(client, f"{base}/ecomap/new", {"name": "Club", "kind": "", "strength":
                                                   "very"})
    page = html_of(response)
    assert error_summary(page) == ["Select what kind of connection it is",
                                   "Select how strong the connection is"]
    assert 'value="Club"' in page
    assert db.session.scalar(select(db.func.count(EcomapEntry.id))) == 0


def test_readers_see_the_tree_but_only_the_case_workers_change_it(app):
    team, worker, household = kinship_case()
    base = f"/staff/cases/{household.reference}/family"
    client = client_for(app, worker)
    post(client, f"{base}/people/new", {"name": "Ann", "sex": "female", "member_id": ""})
    ann = person_id(household, "Ann")

    reader = client_for(app, make_staff("supervising_social_worker", team=team))
    page = html_of(reader.get(base))
    assert "Ann (female)" in page and "Add a person" not in page
    assert f"{base}/people/{ann}/remove" not in page
    assert reader.get(f"{base}/people/new").status_code == 403
    assert reader.post(f"{base}/people/{ann}/remove").status_code == 403

    outsider = client_for(app, make_staff("assessing_social_worker", team=make_team()))
    assert outsider.get(base).status_code == 403

    # Another case's person, link or entry is not reached through this case's address.
    _other_team, other_worker, other = kinship_case()
    other_client = client_for(app, other_worker)
    other_base = f"/staff/cases/{other.reference}/family"
    assert other_client.get(f"{other_base}/people/{ann}").status_code == 404
    token = csrf_token(html_of(other_client.get(other_base)))
    response = other_client.post(f"{other_base}/people/{ann}/remove",
                                 data={"csrf_token": token})
    assert response.status_code == 404
    assert db.session.get(FamilyPerson, ann) is not None
