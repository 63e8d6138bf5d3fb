"""The report's shape: Form F for mainstream, Form C for kinship, per-applicant boxes,
earlier editions' boxes kept, and what sign-off needs."""

from carers.reports import structure
from carers.reports.structure import Form, Kind

APPLICANTS = [(7, "Alex Taylor"), (9, "Sam Taylor")]


def test_each_pathway_gets_its_form():
    assert structure.form_for("mainstream") is Form.F
    assert structure.form_for("connected_person") is Form.C


def test_form_f_has_the_front_sheet_sections_a_to_c_and_the_appendices():
    sections = structure.sections(Form.F)
    assert [s.key for s in sections if s.front] == ["recommendation", "pen_picture"]
    kinds = {s.key: s.kind for s in sections}
    assert kinds["applicants"] is Kind.APPLICANTS and kinds["checks"] is Kind.CHECKS
    assert kinds["references"] is Kind.REFERENCES and kinds["preparation"] is Kind.TRAINING
    assert [s.title for s in sections][-3:] == ["Appendix: Family tree and ecomap",
                                                "Appendix: Chronology", "Sign-off"]
    titles = [s.title for s in sections]
    parts = ["Section A, Part 1", "Section A, Part 2", "Section B, Part 1",
             "Section B, Part 2", "Section B, Part 3", "Section C"]
    firsts = [next(i for i, t in enumerate(titles) if t.startswith(p)) for p in parts]
    assert firsts == sorted(firsts)


def test_history_is_written_once_per_applicant_and_capacity_once_per_competence():
    keys = structure.current_keys(Form.F, APPLICANTS)
    assert keys[:2] == ("pen_picture", "medical")
    assert "applicant_history_7" in keys and "applicant_history_9" in keys
    assert [k for k in keys if k.startswith("capacity_")] == [
        k for k, _, _ in structure.COMPETENCES]
    entry = structure.narrative_entry(Form.F, "applicant_history_9", APPLICANTS)
    assert entry.title == "Section B, Part 1: History: Sam Taylor" and entry.name == "Sam Taylor"
    # Someone else's member id is no box of this case.
    assert structure.narrative_entry(Form.F, "applicant_history_8", APPLICANTS) is None
    # A case with no applicant recorded yet still has one history box.
    assert "applicant_history" in structure.current_keys(Form.F)


def test_an_earlier_editions_boxes_are_kept_but_shown_only_with_text():
    keys = structure.narrative_keys(Form.F, APPLICANTS)
    assert "history" in keys and "capacity" in keys  # still saved and printed
    assert "history" not in structure.current_keys(Form.F, APPLICANTS)
    shown = [e.key for e in structure.written_entries(Form.F, {"history": "Old text"},
                                                      APPLICANTS)]
    assert "history" in shown and "capacity" not in shown


def test_form_c_follows_the_child():
    assert structure.current_keys(Form.C) == (
        "summary", "viability", "child", "birth_family", "applicant", "capacity", "contact")
    titles = [s.title for s in structure.sections(Form.C)]
    assert titles.index("The child, their relationship to the carers and their needs") \
        < titles.index("The birth family") < titles.index("Regulation 24 history")
    assert [s.key for s in structure.sections(Form.C) if s.front] == [
        "recommendation", "family_tree"]


def test_sign_off_needs_every_narrative_and_a_recommendation():
    texts = {key: "Written." for key in structure.current_keys(Form.F, APPLICANTS)}
    assert structure.sign_off_problems(Form.F, texts, "suitable", APPLICANTS) == []
    texts["lifestyle"] = "   \n"
    texts["supporting"] = ""  # optional
    problems = structure.sign_off_problems(Form.F, texts, None, APPLICANTS)
    assert [key for key, _ in problems] == ["recommendation", "lifestyle"]
    assert problems[1][1] == ("Write “Section B, Part 1: Family and lifestyle” before "
                              "signing off")
