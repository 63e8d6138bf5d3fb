"""Form F and Form C end to end: a joint-applicant mainstream case and a kinship case are
written through the pages and the operations, then their PDFs are read back: every section
of the form in order (bookmarks and text), each applicant's own parts, the referees' own
words and interview write-ups, the chronology, and the family tree as a tagged figure with
its alternative text."""

import io
import re
import subprocess
from datetime import date, timedelta
from types import SimpleNamespace

import pytest
from pypdf import PdfReader
from sqlalchemy import select

from carers.cases.models import CaseEvent
from carers.checks.models import Referee
from carers.extensions import db
from carers.family import operations as family
from carers.reports import structure
from carers.reports.document import applicants_of
from carers.reports.parts import children_and_adults
from carers.reports.sample import assessed_household
from tests.factories import make_staff, make_team
from tests.helpers import client_for, csrf_token, html_of, post_form
from tests.pdf_reading import figure_alt_texts

FORM_F_ORDER = [
    "Recommendation", "Pen picture",
    "Section A, Part 1: The applicants",
    "Section A, Part 1: The household, children and former partners",
    "Section A, Part 2: Verification and statutory checks",
    "Section A, Part 2: Medical adviser's summary",
    "Section A, Part 2: Health and safety",
    "Section A, Part 2: Employment and finances",
    "Section A, Part 2: Previous applications",
    "Section B, Part 1: History",
    "Section B, Part 1: Family and lifestyle",
    "Section B, Part 2: Fostering capacity: Caring for children",
    "Section B, Part 2: Fostering capacity: Providing a safe and caring environment",
    "Section B, Part 2: Fostering capacity: Working as part of a team",
    "Section B, Part 2: Fostering capacity: Own development",
    "Section B, Part 3: Preparation for fostering",
    "Section C: Referees' reports and interviews",
    "Section C: Former partners",
    "Section C: Views of the household and the applicants' children",
    "Section C: Safer caring policy",
    "Section C: Other supporting information",
    "Section C: The applicants' comments on this report",
    "Appendix: Family tree and ecomap",
    "Appendix: Chronology",
    "Sign-off",
]

FORM_C_ORDER = [
    "Summary and recommendation", "Family tree",
    "The viability assessment",
    "The child, their relationship to the carers and their needs",
    "The birth family", "The carers", "The household", "Checks",
    "References and interviews",
    "The carers' capacity to meet the child's needs",
    "The plan for contact with the birth family",
    "Regulation 24 history",
    "The applicants' comments on this report",
    "Appendix: Chronology",
    "Sign-off",
]


def flat(text: str) -> str:
    return re.sub(r"\s+", " ", text)


def pdf_text(pdf: bytes) -> str:
    """The PDF's text in reading order (poppler), one string."""
    return flat(subprocess.run(["pdftotext", "-", "-"], input=pdf, capture_output=True,
                               check=True).stdout.decode())


def bookmarks(reader) -> list[tuple[int, str]]:
    found = []

    def walk(items, level):
        for item in items:
            if isinstance(item, list):
                walk(item, level + 1)
            else:
                found.append((level, item.title))

    walk(reader.outline, 1)
    return found


def in_order(text: str, parts: list[str]) -> list[int]:
    """Where each part is found in ``text``, each after the one before (-1: not found)."""
    places, start = [], 0
    for part in parts:
        at = text.find(part, start)
        places.append(at)
        if at >= 0:
            start = at + len(part)
    return places


def autosave(client, reference: str, key: str, body: str) -> None:
    editor = f"/staff/cases/{reference}/report"
    token = csrf_token(html_of(client.get(editor)))
    response = client.post(f"{editor}/sections/{key}",
                           data={"csrf_token": token, "body": body, "revision": ""})
    assert response.status_code == 200, response.get_data(as_text=True)
    assert response.json["saved"] is True


def add_family(household, worker, people, links):
    """People (name, sex, birth year, extra fields) and links (kind, from, to, status)."""
    made = {}
    for name, sex, year, extra in people:
        made[name] = family.save_person(household, worker, None, {
            "name": name, "sex": sex, "birth_year": year, "died": False, "died_year": None,
            "in_household": False, "subject_child": False, "member_id": None, **extra})
    for kind, one, other, status in links:
        family.save_link(household, worker, kind, made[one], made[other], status)


@pytest.fixture
def team(app):
    return make_team("Recruitment and assessment")


def test_a_joint_form_f_prints_every_section_in_order_with_each_applicants_parts(app, team):
    worker = make_staff("assessing_social_worker", name="Sam Worker", team=team)
    make_staff("team_manager", name="Morgan Manager", team=team)
    household = assessed_household(worker, team=team, paragraphs=1)
    (alex_id, alex), (sam_id, sam) = applicants_of(household)
    client = client_for(app, worker)

    # Each applicant's history is written in its own box, through the editor.
    editor = html_of(client.get(f"/staff/cases/{household.reference}/report"))
    assert f"Section B, Part 1: History: {alex}" in editor
    assert f"Section B, Part 1: History: {sam}" in editor
    autosave(client, household.reference, f"applicant_history_{alex_id}",
             "Alex grew up on a farm in Cumbria, the eldest of five.")
    autosave(client, household.reference, f"applicant_history_{sam_id}",
             "Sam trained as a paediatric nurse in Leeds.")
    autosave(client, household.reference, "capacity_team",
             "They welcomed the child's social worker into every conversation.")

    # A referee's interview is written up through its page; another is not taken up.
    pat = db.session.scalar(select(Referee).where(Referee.household_id == household.id,
                                                  Referee.name == "Pat Friend"))
    response = post_form(client, f"/staff/cases/{household.reference}/referees/{pat.id}/"
                         "interview", {
                             "interviewed_on": ["20", "9", "2026"],
                             "notes": "Pat has seen Alex with her grandchildren weekly."})
    assert response.status_code == 302
    add_family(household, worker, [
        ("Alex Taylor", "male", 1981, {"in_household": True}),
        ("Sam Taylor", "female", 1983, {"in_household": True}),
        ("Jordan Taylor", "male", 2006, {"in_household": True}),
    ], [("partners", "Alex Taylor", "Sam Taylor", "married"),
        ("parent_of", "Alex Taylor", "Jordan Taylor", None),
        ("parent_of", "Sam Taylor", "Jordan Taylor", None)])
    db.session.add(CaseEvent(household_id=household.id, happened_on=date(2026, 7, 1),
                             kind=CaseEvent.TRANSITION, summary="Started Stage 2"))
    db.session.commit()

    response = client.get(f"/staff/cases/{household.reference}/report.pdf")
    assert response.status_code == 200
    pdf = response.data
    reader = PdfReader(io.BytesIO(pdf))
    marks = bookmarks(reader)
    assert marks[0] == (1, f"Prospective foster carer report (Form F): {household.name}")
    assert [title for _, title in marks[1:]] == FORM_F_ORDER
    text = pdf_text(pdf)
    # The sections' headings appear in the text in the form's order, after the contents.
    body = text[text.index("Sign-off") + len("Sign-off"):]
    assert -1 not in in_order(body, FORM_F_ORDER[2:])

    # Section A Part 1 names each applicant with their own identity and partnership.
    part1 = body[body.index("Section A, Part 1: The applicants"):
                 body.index("Section A, Part 1: The household")]
    assert -1 not in in_order(part1, [alex, "Family name Taylor", "Identity", "Partnership",
                                      sam, "Identity", "Partnership"])
    # Section B Part 1: each applicant's history under their name.
    history = body[body.index("Section B, Part 1: History"):
                   body.index("Section B, Part 1: Family and lifestyle")]
    assert -1 not in in_order(history, [alex, "a farm in Cumbria", sam, "paediatric nurse"])
    assert "every conversation" in body
    # Section C: the referees' own words, the interview write-up.
    references = body[body.index("Section C: Referees' reports and interviews"):
                      body.index("Section C: Former partners")]
    pat, lee = references.split("Lee Neighbour, Neighbour")
    for words in ("Pat Friend, Friend", "Written reference", "Kind, patient and reliable.",
                  "Interview, 20 September 2026", "grandchildren weekly"):
        assert words in pat
    assert "Kind, patient and reliable." in lee and "No interview summary written" in lee
    # The chronology: dated events from the timeline and the checks, oldest first.
    chronology = body[body.index("Appendix: Chronology"):body.index("Sign-off")]
    assert "1 July 2026 Started Stage 2" in chronology
    assert "received: clear" in chronology
    # The family tree: drawn, in words, and a tagged figure with its alternative text.
    tree = body[body.index("Appendix: Family tree and ecomap"):
                body.index("Appendix: Chronology")]
    assert "The family tree in words" in tree and "Jordan Taylor" in tree
    assert figure_alt_texts(reader) == [f"Family tree (genogram) of {household.name}"]
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]


def test_a_form_c_prints_the_child_the_reg24_history_and_the_family_tree_first(app, team):
    worker = make_staff("assessing_social_worker", name="Sam Worker", team=team)
    household = assessed_household(worker, team=team, pathway="connected_person",
                                   name="Maureen Hall", paragraphs=1)
    placed = date(2026, 6, 1)
    household.child_placed_on = placed
    household.reg24_approved_on = placed
    household.reg24_officer_name = "Helen Marsh"
    household.reg24_officer_on = placed
    household.viability_started_on = placed - timedelta(days=10)
    household.viability_completed_on = placed - timedelta(days=3)
    db.session.commit()
    add_family(household, worker, [
        ("Maureen Hall", "female", 1960, {"in_household": True}),
        ("Dean Price", "male", 1958, {}),
        ("Kelly Price", "female", 1988, {}),
        ("Amy Smith", "female", 2019, {"subject_child": True, "in_household": True}),
    ], [("partners", "Maureen Hall", "Dean Price", "divorced"),
        ("parent_of", "Maureen Hall", "Kelly Price", None),
        ("parent_of", "Kelly Price", "Amy Smith", None)])
    client = client_for(app, worker)
    autosave(client, household.reference, "contact",
             "Amy sees her mother every other Saturday at the family centre.")

    pdf = client.get(f"/staff/cases/{household.reference}/report.pdf").data
    reader = PdfReader(io.BytesIO(pdf))
    assert [title for _, title in bookmarks(reader)[1:]] == FORM_C_ORDER
    text = pdf_text(pdf)
    # The front sheet names the subject child and carries the family tree.
    front = text[:text.index("Contents")]
    assert "The subject child" in front and "Amy Smith" in front and "LA-12345" in front
    assert "Family tree" in front and "divorced from Dean Price" in front
    body = text[text.index("Sign-off") + len("Sign-off"):]
    assert -1 not in in_order(body, FORM_C_ORDER[2:])
    reg24 = body[body.index("Regulation 24 history"):body.index("The applicants' comments")]
    assert "Helen Marsh, approved 1 June 2026" in reg24
    assert "Child placed with the carers" in reg24 and "Approval lapses 21 September" in reg24
    assert "every other Saturday" in body
    viability = body[body.index("The viability assessment"):body.index("The child, their")]
    assert "Viability assessment completed" in viability and "29 May 2026" in viability
    assert figure_alt_texts(reader) == ["Family tree (genogram) of Maureen Hall"]


def test_sign_off_waits_for_each_applicants_history_and_every_competence():
    applicants = [(1, "Alex Taylor"), (2, "Sam Taylor")]
    texts = {key: "Written." for key in structure.current_keys(structure.Form.F, applicants)}
    assert structure.sign_off_problems(structure.Form.F, texts, "suitable", applicants) == []
    texts["applicant_history_2"] = ""
    texts["capacity_safe"] = " "
    texts["supporting"] = ""  # optional
    assert [key for key, _ in structure.sign_off_problems(
        structure.Form.F, texts, "suitable", applicants)] == [
        "applicant_history_2", "capacity_safe"]


def test_form_fs_four_lists_sort_people_by_age_and_home():
    def person(name, relationship, born, home=True, applicant=False):
        return SimpleNamespace(name=name, relationship_to_applicant=relationship,
                               date_of_birth=born, age_at_enquiry=None,
                               lives_in_household=home, is_applicant=applicant)

    on = date(2026, 12, 1)
    facts = SimpleNamespace(people=[
        person("Alex Taylor", "applicant", date(1981, 3, 9), applicant=True),
        person("Jordan Taylor", "child", date(2012, 1, 5)),
        person("Nan Taylor", "parent", date(1950, 1, 5)),
        person("Robin Taylor", "child", date(2001, 6, 1), home=False),
        person("Chris Brown", "ex_partner", date(1979, 6, 1), home=False),
    ], application=SimpleNamespace(applicants=[], children_elsewhere=[SimpleNamespace(
        name="Casey Taylor", date_of_birth=date(2015, 2, 2), relationship="Daughter",
        lives_with="Her mother")]))
    lists = children_and_adults(facts, on)
    assert [p.name for p in lists.children] == ["Jordan Taylor"]
    assert [p.name for p in lists.adults] == ["Nan Taylor"]
    assert [p.name for p in lists.children_elsewhere] == ["Casey Taylor"]
    # A former partner living elsewhere is no adult child.
    assert [p.name for p in lists.adult_children_elsewhere] == ["Robin Taylor"]
