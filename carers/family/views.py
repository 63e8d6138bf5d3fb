"""The family tree pages of a case: the genogram and ecomap with their text lists, and the
forms that add, change and remove the people, the links between them and the household's
connections."""

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user

from carers.audit.operations import record_view
from carers.cases.access import can_change
from carers.cases.queries import get_case
from carers.core.changes import Refusal, refused
from carers.family import ecomap, figures, genogram, operations, queries
from carers.family.forms import (
    EntryForm,
    ParentForm,
    PartnersForm,
    PersonForm,
    person_choices,
)

bp = Blueprint("family", __name__)


def _tree_url(household, anchor: str = "") -> str:
    return url_for("family.tree", reference=household.reference) + anchor


@bp.get("/staff/cases/<reference>/family")
def tree(reference):
    household = get_case(reference)
    facts = figures.family_facts(household)
    people = queries.people(household)
    names = {p.id: p.name for p in people}
    html = render_template(
        "family/tree.html", household=household, facts=facts, people=people,
        links=queries.links(household), entries=queries.ecomap_entries(household),
        names=names, genogram_svg=figures.genogram_svg(facts) if facts["people"] else "",
        ecomap_svg=figures.ecomap_svg(facts) if facts["ecomap"] else "",
        tree_words=genogram.text_list(facts), ecomap_words=ecomap.text_list(facts),
        sexes=genogram.SEXES, statuses=genogram.PARTNER_STATUSES, kinds=ecomap.KINDS,
        strengths=ecomap.STRENGTHS, can_change=can_change(current_user, household),
        missing=_missing_names(household, people))
    record_view("view", "family_tree", household.id)
    return html


def _missing_names(household, people) -> list[str]:
    members, child = operations.missing_from_tree(household, people)
    return [m.name for m in members] + ([child] if child else [])


def _person_form(household, person=None) -> PersonForm:
    form = PersonForm(obj=person if request.method == "GET" else None)
    form.member_id.choices = [("", "Not on the case"),
                              *((str(m.id), m.name) for m in household.members)]
    if request.method == "GET" and person is not None:
        form.member_id.data = str(person.member_id) if person.member_id else ""
    return form


def _person_page(form, household, person, title):
    return render_template("family/person.html", form=form, household=household,
                           person=person, title=title)


@bp.route("/staff/cases/<reference>/family/people/new", methods=["GET", "POST"])
def add_person(reference):
    household = get_case(reference)
    form = _person_form(household)
    if request.method == "POST" and form.validate():
        try:
            person = operations.save_person(household, current_user, None, form.fields())
        except Refusal as refusal:
            return refused(refusal, "family/person.html", form, household=household,
                           person=None, title="Add a person to the family tree")
        flash(f"{person.name} added to the family tree", "success")
        return redirect(_tree_url(household, "#people"))
    return _person_page(form, household, None, "Add a person to the family tree")


@bp.route("/staff/cases/<reference>/family/people/<int:person_id>", methods=["GET", "POST"])
def edit_person(reference, person_id):
    household = get_case(reference)
    person = queries.get_person(household, person_id)
    form = _person_form(household, person)
    title = f"Change {person.name}'s details"
    if request.method == "POST" and form.validate():
        try:
            operations.save_person(household, current_user, person, form.fields())
        except Refusal as refusal:
            return refused(refusal, "family/person.html", form, household=household,
                           person=person, title=title)
        flash(f"{person.name}'s details saved", "success")
        return redirect(_tree_url(household, "#people"))
    html = _person_page(form, household, person, title)
    if request.method == "GET":
        record_view("view", "family_person", person.id, {"household": household.id})
    return html


@bp.route("/staff/cases/<reference>/family/people/<int:person_id>/remove",
          methods=["GET", "POST"])
def remove_person(reference, person_id):
    household = get_case(reference)
    person = queries.get_person(household, person_id)
    if request.method == "POST":
        name = person.name
        operations.remove_person(household, current_user, person)
        flash(f"{name} removed from the family tree", "success")
        return redirect(_tree_url(household, "#people"))
    links = [link for link in queries.links(household)
             if person.id in (link.from_person_id, link.to_person_id)]
    names = {p.id: p.name for p in queries.people(household)}
    return render_template("family/remove_person.html", household=household, person=person,
                           links=links, names=names, statuses=genogram.PARTNER_STATUSES)


@bp.post("/staff/cases/<reference>/family/people/from-case")
def add_from_case(reference):
    household = get_case(reference)
    added = operations.add_household_people(household, current_user)
    if added:
        flash(f"Added to the family tree: {', '.join(p.name for p in added)}. Add each "
              "person's sex and how they are related.", "success")
    else:
        flash("Everyone on the case is already in the family tree")
    return redirect(_tree_url(household, "#people"))


def _link_page(form, household, kind, title, status=200):
    return render_template("family/link.html", form=form, household=household, kind=kind,
                           title=title), status


def _pick(form, household, first, second):
    people = {str(p.id): p for p in queries.people(household)}
    for field in (first, second):
        field.choices = person_choices(people.values())
    return people


@bp.route("/staff/cases/<reference>/family/links/parent", methods=["GET", "POST"])
def add_parent(reference):
    household = get_case(reference)
    form = ParentForm()
    people = _pick(form, household, form.parent, form.child)
    title = "Add a parent and their child"
    if request.method == "POST" and form.validate():
        try:
            operations.save_link(household, current_user, genogram.PARENT_OF,
                                 people[form.parent.data], people[form.child.data], None)
        except Refusal as refusal:
            return refused(refusal, "family/link.html", form, household=household,
                           kind="parent", title=title)
        flash(f"{people[form.parent.data].name} is recorded as a parent of "
              f"{people[form.child.data].name}", "success")
        return redirect(_tree_url(household, "#relationships"))
    return _link_page(form, household, "parent", title)


@bp.route("/staff/cases/<reference>/family/links/partners", methods=["GET", "POST"])
def add_partners(reference):
    household = get_case(reference)
    form = PartnersForm()
    people = _pick(form, household, form.first, form.second)
    title = "Add partners"
    if request.method == "POST" and form.validate():
        try:
            operations.save_link(household, current_user, genogram.PARTNERS,
                                 people[form.first.data], people[form.second.data],
                                 form.status.data)
        except Refusal as refusal:
            return refused(refusal, "family/link.html", form, household=household,
                           kind="partners", title=title)
        flash(f"{people[form.first.data].name} and {people[form.second.data].name} are "
              "recorded as partners", "success")
        return redirect(_tree_url(household, "#relationships"))
    return _link_page(form, household, "partners", title)


@bp.post("/staff/cases/<reference>/family/links/<int:link_id>/remove")
def remove_link(reference, link_id):
    household = get_case(reference)
    link = queries.get_link(household, link_id)
    operations.remove_link(household, current_user, link)
    flash("Relationship removed from the family tree", "success")
    return redirect(_tree_url(household, "#relationships"))


def _entry_page(form, household, entry, title):
    return render_template("family/entry.html", form=form, household=household, entry=entry,
                           title=title)


@bp.route("/staff/cases/<reference>/family/ecomap/new", methods=["GET", "POST"])
def add_entry(reference):
    household = get_case(reference)
    form = EntryForm()
    if request.method == "POST" and form.validate():
        entry = operations.save_entry(household, current_user, None, form.fields())
        flash(f"{entry.name} added to the ecomap", "success")
        return redirect(_tree_url(household, "#ecomap"))
    return _entry_page(form, household, None, "Add a connection to the ecomap")


@bp.route("/staff/cases/<reference>/family/ecomap/<int:entry_id>", methods=["GET", "POST"])
def edit_entry(reference, entry_id):
    household = get_case(reference)
    entry = queries.get_entry(household, entry_id)
    form = EntryForm(obj=entry if request.method == "GET" else None)
    if request.method == "POST" and form.validate():
        operations.save_entry(household, current_user, entry, form.fields())
        flash(f"{entry.name} saved", "success")
        return redirect(_tree_url(household, "#ecomap"))
    html = _entry_page(form, household, entry, f"Change {entry.name}")
    if request.method == "GET":
        record_view("view", "ecomap_entry", entry.id, {"household": household.id})
    return html


@bp.post("/staff/cases/<reference>/family/ecomap/<int:entry_id>/remove")
def remove_entry(reference, entry_id):
    household = get_case(reference)
    entry = queries.get_entry(household, entry_id)
    name = entry.name
    operations.remove_entry(household, current_user, entry)
    flash(f"{name} removed from the ecomap", "success")
    return redirect(_tree_url(household, "#ecomap"))


def case_section(household, user):
    """The family tree's section of the staff case page: the link and how much is in it."""
    people = len(queries.people(household))
    entries = len(queries.ecomap_entries(household))
    return "family/_case_section.html", {"people": people, "entries": entries}
