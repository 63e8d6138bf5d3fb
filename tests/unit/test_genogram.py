"""The family tree (genogram) and ecomap drawings: the usual symbols and lines, read back
from the SVG's elements, and the same figures in words."""

import io
import subprocess
import xml.etree.ElementTree as ET

from pypdf import PdfReader

from carers.documents.pdf import render_pdf
from carers.family import ecomap, genogram
from carers.family.figures import figures_html
from tests.pdf_reading import figure_alt_texts

SVG = "{http://www.w3.org/2000/svg}"

# Three generations of a kinship family: the maternal grandparents (the grandfather died),
# their daughter, separated from the children's father, the subject child and her brother,
# and the grandmother's brother. The grandmother and the subject child live together.
FAMILY = {
    "household": "Hall household",
    "people": [
        {"id": 1, "name": "George Hall", "sex": "male", "birth_year": 1950, "died": True,
         "died_year": 2019},
        {"id": 2, "name": "Margaret Hall", "sex": "female", "birth_year": 1952,
         "in_household": True},
        {"id": 3, "name": "Lisa Hall", "sex": "female", "birth_year": 1980},
        {"id": 4, "name": "Dean Price", "sex": "male", "birth_year": 1978},
        {"id": 5, "name": "Mia Price", "sex": "female", "birth_year": 2015,
         "in_household": True, "subject_child": True},
        {"id": 6, "name": "Leo Price", "sex": "male", "birth_year": 2012},
        {"id": 7, "name": "Chris Lee", "sex": "unknown"},
    ],
    "relationships": [
        {"kind": "partners", "from": 1, "to": 2, "status": "married"},
        {"kind": "parent_of", "from": 1, "to": 3},
        {"kind": "parent_of", "from": 2, "to": 3},
        {"kind": "partners", "from": 3, "to": 4, "status": "separated"},
        {"kind": "parent_of", "from": 3, "to": 5},
        {"kind": "parent_of", "from": 4, "to": 5},
        {"kind": "parent_of", "from": 3, "to": 6},
        {"kind": "parent_of", "from": 4, "to": 6},
    ],
    "ecomap": [
        {"name": "Oak Lane Primary", "kind": "school", "strength": "strong"},
        {"name": "Dean Price", "kind": "family", "strength": "stressful"},
        {"name": "St Mary's Church", "kind": "faith", "strength": "tenuous"},
        {"name": "Dr Khan's surgery", "kind": "health", "strength": "moderate"},
    ],
}


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 (our own drawing)


def classes(element) -> set[str]:
    return set((element.get("class") or "").split())


def people(root) -> dict[str, ET.Element]:
    return {g.get("data-person"): g for g in root.iter(f"{SVG}g")
            if "person" in classes(g)}


def test_a_three_generation_family_draws_the_genogram_symbols():
    root = parse(genogram.draw(FAMILY, "Family tree of the Hall household"))
    drawn = people(root)
    assert set(drawn) == {"1", "2", "3", "4", "5", "6", "7"}
    # Squares for the males, circles for the females, a diamond for the unknown.
    symbols = [e for e in root.iter() if "symbol" in classes(e)]
    assert sorted(e.tag.removeprefix(SVG) for e in symbols) == \
        ["circle", "circle", "circle", "polygon", "rect", "rect", "rect"]
    for pid in ("1", "4", "6"):
        assert drawn[pid].find(f"{SVG}rect").get("width") == \
            drawn[pid].find(f"{SVG}rect").get("height")
        assert "male" in classes(drawn[pid])
    for pid in ("2", "3", "5"):
        assert drawn[pid].find(f"{SVG}circle") is not None
    assert "unknown" in classes(drawn["7"]) and drawn["7"].find(f"{SVG}polygon") is not None

    # The cross on the grandfather who died, and on nobody else.
    crossed = {pid for pid, g in drawn.items()
               if g.find(f"{SVG}g[@class='death-cross']") is not None}
    assert crossed == {"1"}
    assert "deceased" in classes(drawn["1"])
    assert len(drawn["1"].findall(f"{SVG}g/{SVG}line")) == 2

    # The subject child has a double outline: her circle and a larger one round it.
    assert {pid for pid, g in drawn.items() if "subject" in classes(g)} == {"5"}
    circles = drawn["5"].findall(f"{SVG}circle")
    assert len(circles) == 2
    assert float(circles[1].get("r")) > float(circles[0].get("r"))
    assert [c.get("cx") for c in circles] == [circles[0].get("cx")] * 2

    # Each name is drawn as text.
    names = [t.text for t in root.iter(f"{SVG}text") if "name" in classes(t)]
    assert sorted(names) == sorted(p["name"] for p in FAMILY["people"])


def test_partnership_lines_carry_slashes_for_separation_and_divorce():
    root = parse(genogram.draw(FAMILY, "Family tree"))
    partnerships = {g.get("data-partners"): g for g in root.iter(f"{SVG}g")
                    if "partnership" in classes(g)}
    assert set(partnerships) == {"1 2", "3 4"}
    assert "married" in classes(partnerships["1 2"])
    assert partnerships["1 2"].findall(f"{SVG}line[@class='slash']") == []
    assert "separated" in classes(partnerships["3 4"])
    assert len(partnerships["3 4"].findall(f"{SVG}line[@class='slash']")) == 1

    divorced = {**FAMILY, "relationships": [
        {**r, "status": "divorced"} if r["kind"] == "partners" and r["from"] == 3 else r
        for r in FAMILY["relationships"]]}
    root = parse(genogram.draw(divorced, "Family tree"))
    [line] = [g for g in root.iter(f"{SVG}g") if g.get("data-partners") == "3 4"]
    assert "divorced" in classes(line)
    assert len(line.findall(f"{SVG}line[@class='slash']")) == 2


def test_children_hang_from_their_parents_line_in_birth_order():
    root = parse(genogram.draw(FAMILY, "Family tree"))
    drawn = people(root)
    descents = {g.get("data-parents"): g for g in root.iter(f"{SVG}g")
                if "descent" in classes(g)}
    assert set(descents) == {"1 2", "3 4"}
    # One line down from the parents' line, a sibling bar, and one line to each child.
    lisa = descents["3 4"]
    [down] = lisa.findall(f"{SVG}line[@class='descent-line']")
    [bar] = lisa.findall(f"{SVG}line[@class='sibling-bar']")
    children = lisa.findall(f"{SVG}line[@class='child-line']")
    assert [c.get("data-child") for c in children] == ["6", "5"]  # Leo (2012), then Mia
    assert down.get("x1") == down.get("x2") and down.get("y2") == bar.get("y1")
    partner = next(g for g in root.iter(f"{SVG}g") if g.get("data-partners") == "3 4")
    middle = (float(drawn["3"].find(f"{SVG}circle").get("cx"))
              + float(drawn["4"].find(f"{SVG}rect").get("x")) + 18) / 2
    assert float(down.get("x1")) == middle
    assert partner is not None
    for child in children:
        pid = child.get("data-child")
        shape = drawn[pid].find(f"{SVG}circle") if pid == "5" else drawn[pid].find(f"{SVG}rect")
        centre = float(shape.get("cx")) if shape.tag == f"{SVG}circle" else \
            float(shape.get("x")) + float(shape.get("width")) / 2
        assert float(child.get("x1")) == centre
        assert float(child.get("y1")) == float(bar.get("y1"))
    # Three generations, top to bottom.
    def y(pid):
        shape = drawn[pid][0]
        return float(shape.get("cy") or float(shape.get("y")) + 18)
    assert y("1") == y("2") < y("3") == y("4") < y("5") == y("6")


def test_a_dashed_line_surrounds_the_household_and_no_one_else():
    root = parse(genogram.draw(FAMILY, "Family tree"))
    [household] = [g for g in root.iter(f"{SVG}g") if "household" in classes(g)]
    assert household.get("stroke-dasharray")
    boxes = [(float(r.get("x")), float(r.get("y")), float(r.get("x")) + float(r.get("width")),
              float(r.get("y")) + float(r.get("height")))
             for r in household.findall(f"{SVG}rect")]

    def inside(element):
        shape = element[0]
        x = float(shape.get("cx") or float(shape.get("x", 0)) + 18)
        y = float(shape.get("cy") or float(shape.get("y", 0)) + 18)
        if shape.tag == f"{SVG}polygon":
            x, y = map(float, shape.get("points").split()[0].split(","))
            y += 18
        return any(x1 < x < x2 and y1 < y < y2 for x1, y1, x2, y2 in boxes)

    assert {pid for pid, g in people(root).items() if inside(g)} == {"2", "5"}


def test_the_svg_is_named_for_screen_readers_and_self_contained():
    svg = genogram.draw(FAMILY, "Family tree of the Hall household", id_prefix="tree")
    root = parse(svg)
    assert root.get("role") == "img"
    assert root.get("aria-labelledby") == "tree-title tree-desc"
    assert root.find(f"{SVG}title").get("id") == "tree-title"
    assert root.find(f"{SVG}title").text == "Family tree of the Hall household"
    assert "7 people over 3 generations" in root.find(f"{SVG}desc").text
    assert "<script" not in svg and "href" not in svg and "url(" not in svg
    assert "<style" not in svg  # presentation attributes only: no inline style sheet


def test_the_family_in_words_names_everyone_and_how_they_are_related():
    words = genogram.text_list(FAMILY)
    assert len(words) == 7
    for person in FAMILY["people"]:
        assert any(sentence.startswith(person["name"] + " (") for sentence in words)
    assert words[0] == ("George Hall (male, born 1950, died 2019): father of Lisa Hall; "
                        "married to Margaret Hall")
    assert words[2] == ("Lisa Hall (female, born 1980): daughter of George Hall and Margaret "
                        "Hall; mother of Leo Price and Mia Price; separated from Dean Price")
    assert words[4] == ("Mia Price (female, born 2015, lives in the household, the child "
                        "this assessment is about): daughter of Lisa Hall and Dean Price; "
                        "sister of Leo Price")
    assert words[6] == "Chris Lee (sex not recorded)"


def test_half_siblings_are_told_apart():
    family = {"people": [{"id": i, "name": n, "sex": s} for i, n, s in (
        (1, "Ann", "female"), (2, "Ben", "male"), (3, "Cal", "male"), (4, "Dee", "female"),
        (5, "Eve", "female"))],
        "relationships": [
            {"kind": "parent_of", "from": 1, "to": 4}, {"kind": "parent_of", "from": 2, "to": 4},
            {"kind": "parent_of", "from": 1, "to": 5}, {"kind": "parent_of", "from": 3, "to": 5},
        ]}
    words = genogram.text_list(family)
    assert words[3] == "Dee (female): daughter of Ann and Ben; half-sister of Eve"
    # Parents never recorded as partners are still joined (by a dotted line).
    root = parse(genogram.draw(family, "Tree"))
    unrecorded = [g for g in root.iter(f"{SVG}g") if "unrecorded" in classes(g)]
    assert {g.get("data-partners") for g in unrecorded} == {"1 2", "1 3"}


def test_the_tree_refuses_loops_third_parents_and_repeated_links():
    def refused(kind, a, b):
        try:
            genogram.check_relationship(FAMILY, kind, a, b)
        except genogram.TreeProblem as problem:
            return str(problem)
        return None

    assert refused("parent_of", 5, 1) == ("A person cannot be their own ancestor. Check who "
                                          "is the parent and who is the child")
    assert refused("parent_of", 7, 5) == "This person already has two parents in the family tree"
    assert refused("partners", 3, 4).startswith("These two people are already linked")
    assert refused("partners", 2, 2) == "Select two different people"
    assert refused("parent_of", 7, 4) is None


def test_the_ecomap_draws_each_connection_in_its_own_line_style():
    root = parse(ecomap.draw(FAMILY, "Ecomap of the Hall household", "Hall household"))
    assert root.get("role") == "img" and root.find(f"{SVG}title").text == \
        "Ecomap of the Hall household"
    [centre] = [g for g in root.iter(f"{SVG}g") if classes(g) == {"centre"}]
    assert centre.find(f"{SVG}text").text == "Hall household"
    entries = [g for g in root.iter(f"{SVG}g") if "entry" in classes(g)]
    assert [(g.find(f"{SVG}text").text, g.get("data-strength")) for g in entries] == [
        ("Oak Lane Primary", "strong"), ("Dean Price", "stressful"),
        ("St Mary's Church", "tenuous"), ("Dr Khan's surgery", "moderate")]
    lines = {next(iter(classes(e) - {"connection"})): e for e in root.iter()
             if "connection" in classes(e)}
    # Told apart by width, dashes and shape, not by colour.
    assert float(lines["strong"].get("stroke-width")) > float(lines["moderate"].get(
        "stroke-width"))
    assert lines["tenuous"].get("stroke-dasharray")
    assert lines["moderate"].get("stroke-dasharray") is None
    assert lines["stressful"].tag == f"{SVG}path" and lines["stressful"].get("d").count("L") > 4
    assert {e.get("stroke") for e in lines.values()} == {None}  # one colour for all
    assert ecomap.text_list(FAMILY) == [
        "Oak Lane Primary (school or nursery): a strong connection",
        "Dean Price (family): a stressful connection",
        "St Mary's Church (faith): a tenuous connection",
        "Dr Khan's surgery (health): a moderate connection"]


def test_names_with_markup_are_escaped():
    family = {"people": [{"id": 1, "name": "<script>x</script> & Co", "sex": "male"}],
              "ecomap": [{"name": "<b>Club</b>", "kind": "community", "strength": "strong"}]}
    for svg in (genogram.draw(family, "<title>"), ecomap.draw(family, "t", "<c>")):
        assert "<script>" not in svg and "<b>" not in svg
        parse(svg)
    html = str(figures_html(family))
    assert "<script>" not in html and "&lt;script&gt;" in html


def page(body: str) -> str:
    return ('<!DOCTYPE html><html lang="en-GB"><head><meta charset="utf-8"><title>Family'
            '</title><link rel="stylesheet" href="document.css"></head><body>'
            f'<div class="doc-body"><h1>Family tree</h1>{body}</div></body></html>')


def test_the_figures_render_in_a_tagged_pdf_with_their_alternative_text():
    html = page(str(figures_html(FAMILY)))
    assert html.count("<figure") == 2 and html.count("<figcaption>") == 2
    pdf = render_pdf(html, title="Family tree", author="Sam Worker")
    reader = PdfReader(io.BytesIO(pdf))
    assert reader.trailer["/Root"]["/MarkInfo"]["/Marked"]
    text = subprocess.run(["pdftotext", "-layout", "-", "-"], input=pdf,
                          capture_output=True, check=True).stdout.decode()
    for person in FAMILY["people"]:
        assert person["name"] in text
    assert "The family tree in words" in text and "The ecomap in words" in text
    assert "separated from Dean Price" in text
    # Each drawing is a Figure in the structure tree, with its title as alternative text.
    figures = figure_alt_texts(reader)
    assert figures == ["Family tree (genogram) of Hall household", "Ecomap of Hall household"]


def test_no_family_recorded_is_said_in_a_sentence():
    assert str(figures_html(None)) == '<p class="family-none">No family tree recorded.</p>'
    assert str(figures_html({"people": [], "ecomap": []})).startswith("<p")


def test_a_wide_family_is_scaled_to_the_printed_page():
    wide = {"people": [{"id": i, "name": f"Child {i}", "sex": "female"} for i in range(12)]}
    natural = parse(genogram.draw(wide, "Tree"))
    printed = parse(str(figures_html(wide)).split("<figcaption>")[0]
                            .removeprefix('<figure class="family-figure genogram-figure">'))
    assert float(natural.get("width")) > 640
    assert float(printed.get("width")) == 640
    assert printed.get("viewBox") == natural.get("viewBox")
