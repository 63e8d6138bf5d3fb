"""The report's shape: Form F for mainstream, Form C for kinship, and what sign-off needs."""

from carers.reports import structure
from carers.reports.structure import Form, Kind


def test_each_pathway_gets_its_form():
    assert structure.form_for("mainstream") is Form.F
    assert structure.form_for("connected_person") is Form.C


def test_form_f_has_the_front_sheet_and_sections_a_to_c():
    sections = structure.sections(Form.F)
    assert [s.key for s in sections if s.front] == ["recommendation", "pen_picture"]
    kinds = {s.key: s.kind for s in sections}
    assert kinds["household"] is Kind.HOUSEHOLD and kinds["checks"] is Kind.CHECKS
    assert kinds["training"] is Kind.TRAINING
    assert structure.narrative_keys(Form.F) == (
        "pen_picture", "history", "lifestyle", "capacity", "preparation", "supporting")
    assert [s.title for s in sections][-2:] == ["The applicants' comments on this report",
                                                "Sign-off"]


def test_form_c_writes_about_the_child_and_the_birth_family():
    assert structure.narrative_keys(Form.C) == (
        "child", "birth_family", "applicant", "capacity", "summary")
    titles = [s.title for s in structure.sections(Form.C)]
    assert titles.index("B1: The child") < titles.index("B2: The birth family") \
        < titles.index("B4: Capacity to care for this child")


def test_sign_off_needs_every_narrative_and_a_recommendation():
    texts = {key: "Written." for key in structure.narrative_keys(Form.F)}
    assert structure.sign_off_problems(Form.F, texts, "suitable") == []
    texts["lifestyle"] = "   \n"
    problems = structure.sign_off_problems(Form.F, texts, None)
    assert [key for key, _ in problems] == ["recommendation", "lifestyle"]
    assert problems[1][1] == "Write “Section B: Lifestyle and home” before signing off"
