"""Charts drawn on the server: named by their title and description, every value printed,
links named and focusable, bars in proportion, and hostile text escaped."""

import re
import xml.etree.ElementTree as ET

import pytest
from markupsafe import Markup

from carers.core.charts import (
    Bar,
    Series,
    bar_chart,
    column_chart,
    format_value,
    grouped_column_chart,
    wrap,
)

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = "<script>alert('x')</script> & \"quoted\" ]]>"


def parse(svg: Markup) -> ET.Element:
    assert isinstance(svg, Markup)
    return ET.fromstring(str(svg))  # noqa: S314 (our own output, the subject of the test)


def texts(root: ET.Element) -> list[str]:
    """Every piece of text drawn on the chart (each text element, its lines joined)."""
    return [" ".join(t.strip() for t in element.itertext() if t.strip())
            for element in root.iter(f"{SVG}text")]


def bars(root: ET.Element) -> list[ET.Element]:
    return [r for r in root.iter(f"{SVG}rect") if r.get("class") == "app-chart__bar"]


def recruitment() -> list[Bar]:
    return [
        Bar("Enquiries", 100, href="/staff/enquiries"),
        Bar("Initial visits", 50, href="/staff/visits", note="4 booked for next week"),
        Bar("Applications", 25),
        Bar("Approved", 0),
    ]


def every_chart(bars_: list[Bar]) -> list[Markup]:
    return [bar_chart("T", "D", bars_, chart_id="bars"),
            column_chart("T", "D", bars_, chart_id="columns")]


def test_the_chart_is_named_by_its_title_and_description():
    root = parse(bar_chart("Recruitment this year", "Most enquiries do not become applications.",
                           recruitment(), chart_id="funnel"))
    assert root.tag == f"{SVG}svg"
    assert root.get("id") == "funnel"
    title, desc = root.find(f"{SVG}title"), root.find(f"{SVG}desc")
    assert title.text == "Recruitment this year" and title.get("id") == "funnel-title"
    assert desc.text == "Most enquiries do not become applications."
    assert desc.get("id") == "funnel-desc"
    assert root.get("aria-labelledby") == "funnel-title funnel-desc"
    # The title and description come first, so they are what the chart is called.
    assert list(root)[:2] == [title, desc]


def test_a_chart_without_links_is_one_image_and_one_with_links_a_group():
    plain = [Bar("A", 1), Bar("B", 2)]
    assert parse(bar_chart("T", "D", plain, chart_id="c")).get("role") == "img"
    assert parse(column_chart("T", "D", plain, chart_id="c")).get("role") == "img"
    # An image's content is hidden from assistive technology, links and all.
    for svg in every_chart(recruitment()):
        assert parse(svg).get("role") == "group"


def test_the_chart_scales_to_its_container():
    for svg in every_chart(recruitment()):
        root = parse(svg)
        assert root.get("width") == "100%" and root.get("height") is None
        assert re.fullmatch(r"0 0 [0-9.]+ [0-9.]+", root.get("viewBox"))


def test_every_value_is_printed_as_text():
    for svg in every_chart(recruitment()):
        drawn = texts(parse(svg))
        for value in ("100", "50", "25", "0"):
            assert value in drawn


def test_labels_units_and_notes_are_printed():
    root = parse(bar_chart("T", "D", recruitment(), chart_id="c", unit="households"))
    drawn = texts(root)
    assert {"Enquiries", "Initial visits", "Applications", "Approved"} <= set(drawn)
    assert "100 households" in drawn and "0 households" in drawn
    assert "4 booked for next week" in drawn


def test_values_are_formatted_for_reading():
    assert format_value(1234) == "1,234"
    assert format_value(12.5, "%") == "12.5%"
    assert format_value(2.0, "days") == "2 days"
    assert format_value(1 / 3) == "0.33"


def test_bars_with_an_href_are_links_named_by_label_and_value():
    root = parse(bar_chart("T", "D", recruitment(), chart_id="funnel"))
    links = list(root.iter(f"{SVG}a"))
    assert [a.get("href") for a in links] == ["/staff/enquiries", "/staff/visits"]
    names = []
    for link in links:
        # SVG 2 href, not the old xlink:href.
        assert not any("xlink" in attribute for attribute in link.attrib)
        # Named by its first child, its title (SVG-AAM); nothing else overrides it.
        title = list(link)[0]
        assert title.tag == f"{SVG}title"
        assert link.get("aria-label") is None and link.get("aria-labelledby") is None
        # Each link holds its bar, with a rectangle the stylesheet shows on focus.
        assert link.find(f"{SVG}rect[@class='app-chart__bar']") is not None
        assert link.find(f"{SVG}rect[@class='app-chart__focus']") is not None
        names.append(title.text)
    assert names == ["Enquiries: 100", "Initial visits: 50 (4 booked for next week)"]


def test_columns_with_an_href_are_links_too():
    months = [Bar("April", 3, href="/staff/enquiries?month=2025-04"), Bar("May", 7)]
    root = parse(column_chart("T", "D", months, chart_id="trend", unit="enquiries"))
    [link] = root.iter(f"{SVG}a")
    assert link.get("href") == "/staff/enquiries?month=2025-04"
    assert link.find(f"{SVG}title").text == "April: 3 enquiries"


def test_link_text_is_said_once_by_the_link_name():
    root = parse(bar_chart("T", "D", recruitment(), chart_id="c"))
    for link in root.iter(f"{SVG}a"):
        assert all(t.get("aria-hidden") == "true" for t in link.iter(f"{SVG}text"))


def test_links_to_scripts_are_refused():
    for href in ("javascript:alert(1)", "JaVaScRiPt:alert(1)", "data:text/html,x"):
        with pytest.raises(ValueError):
            bar_chart("T", "D", [Bar("A", 1, href=href)], chart_id="c")


def test_bar_lengths_are_in_proportion_to_the_values():
    root = parse(bar_chart("T", "D", recruitment(), chart_id="c"))
    widths = [float(r.get("width")) for r in bars(root)]
    assert widths[0] > 0
    assert widths[1] == pytest.approx(widths[0] / 2, abs=0.01)
    assert widths[2] == pytest.approx(widths[0] / 4, abs=0.01)
    assert widths[3] == 0
    # Every bar starts at the same place.
    assert len({r.get("x") for r in bars(root)}) == 1


def test_column_heights_are_in_proportion_and_stand_on_one_line():
    months = [Bar(m, v) for m, v in zip(["Apr", "May", "Jun"], [100, 50, 0], strict=True)]
    root = parse(column_chart("T", "D", months, chart_id="c"))
    columns = bars(root)
    heights = [float(r.get("height")) for r in columns]
    assert heights[1] == pytest.approx(heights[0] / 2, abs=0.01) and heights[2] == 0
    bottoms = {round(float(r.get("y")) + float(r.get("height")), 2) for r in columns}
    assert len(bottoms) == 1


def test_a_year_of_months_draws_twelve_columns_with_their_months_and_values():
    names = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]
    months = [Bar(name, index * 3) for index, name in enumerate(names)]
    root = parse(column_chart("Enquiries by month", "D", months, chart_id="year"))
    assert len(bars(root)) == 12
    drawn = texts(root)
    assert all(name in drawn for name in names)
    assert all(str(index * 3) in drawn for index in range(12))
    # Left to right, in the order given.
    xs = [float(r.get("x")) for r in bars(root)]
    assert xs == sorted(xs)


def test_a_small_value_still_shows():
    root = parse(bar_chart("T", "D", [Bar("Big", 100_000), Bar("Small", 1)], chart_id="c"))
    assert float(bars(root)[1].get("width")) >= 1


def test_all_zero_data_draws_empty_bars_and_prints_zero():
    for svg in every_chart([Bar("April", 0), Bar("May", 0)]):
        root = parse(svg)
        assert all(float(r.get("width")) == 0 or float(r.get("height")) == 0
                   for r in bars(root))
        assert texts(root).count("0") == 2


def test_no_data_says_so():
    for svg in [*every_chart([]),
                grouped_column_chart("T", "D", [], [Series("A", [])], chart_id="g")]:
        root = parse(svg)
        assert "No data" in texts(root)
        assert root.find(f"{SVG}title").text == "T"
        assert root.get("role") == "img"


def test_negative_and_missing_values_are_refused():
    for value in (-1, float("nan"), float("inf")):
        with pytest.raises(ValueError):
            bar_chart("T", "D", [Bar("A", value)], chart_id="c")
    with pytest.raises(TypeError):
        bar_chart("T", "D", [Bar("A", None)], chart_id="c")


def test_hostile_text_is_escaped_and_the_svg_still_parses():
    hostile = [Bar(HOSTILE, 1, href='/x?a=1&b="2"', note=HOSTILE)]
    for svg in [bar_chart(HOSTILE, HOSTILE, hostile, unit="&<", chart_id="c"),
                column_chart(HOSTILE, HOSTILE, hostile, unit="&<", chart_id="c"),
                grouped_column_chart(HOSTILE, HOSTILE, [HOSTILE], [Series(HOSTILE, [1])],
                                     chart_id="c")]:
        root = parse(svg)
        assert root.find(f"{SVG}title").text == HOSTILE
        assert root.find(f"{SVG}desc").text == HOSTILE
        assert not list(root.iter(f"{SVG}script"))
        assert "<script>" not in str(svg)
    link = next(parse(bar_chart("T", "D", hostile, chart_id="c")).iter(f"{SVG}a"))
    assert link.get("href") == '/x?a=1&b="2"'


def test_characters_xml_cannot_hold_are_dropped():
    root = parse(bar_chart("Ti\x00tle\x1b", "D", [Bar("A\x0bB", 1)], chart_id="c"))
    assert root.find(f"{SVG}title").text == "Title"


def test_a_chart_id_must_be_a_plain_id():
    for chart_id in ("", "1chart", 'c" onload="x', "a b"):
        with pytest.raises(ValueError):
            bar_chart("T", "D", [Bar("A", 1)], chart_id=chart_id)


def test_long_labels_wrap_onto_more_lines():
    label = "Enquiries from people living outside the local authority area"
    root = parse(bar_chart("T", "D", [Bar(label, 3)], chart_id="c"))
    label_text = next(t for t in root.iter(f"{SVG}text") if label.split()[0] in "".join(
        t.itertext()))
    lines = [span.text for span in label_text.iter(f"{SVG}tspan")]
    assert len(lines) > 1 and " ".join(lines) == label
    assert wrap("a" * 50, 100) == ["a" * 10] * 5


def test_the_same_data_gives_the_same_svg():
    assert bar_chart("T", "D", recruitment(), chart_id="c") == bar_chart(
        "T", "D", recruitment(), chart_id="c")
    assert column_chart("T", "D", recruitment(), chart_id="c") == column_chart(
        "T", "D", recruitment(), chart_id="c")


def test_charts_refer_to_nothing_outside_themselves():
    svgs = [*every_chart(recruitment()),
            grouped_column_chart("T", "D", ["Apr", "May"],
                                 [Series("A", [1, 2]), Series("B", [3, 4]),
                                  Series("C", [5, 6])], chart_id="g")]
    for svg in svgs:
        root = parse(svg)
        for forbidden in ("script", "image", "style", "foreignObject", "use", "font-face"):
            assert not list(root.iter(f"{SVG}{forbidden}"))
        text = str(svg)
        assert "xlink" not in text and "@import" not in text and "style=" not in text
        # The only url() is a pattern defined inside the chart itself.
        for target in re.findall(r"url\(([^)]*)\)", text):
            assert target.startswith("#")
            assert root.find(f".//{SVG}pattern[@id='{target[1:]}']") is not None


def test_grouped_columns_tell_series_apart_by_pattern_and_legend():
    root = parse(grouped_column_chart(
        "Enquiries and applications", "D", ["Apr", "May"],
        [Series("Enquiries", [10, 20]), Series("Applications", [5, 0])], chart_id="g"))
    legend = root.find(f".//{SVG}g[@class='app-chart__legend']")
    assert texts(legend) == ["Enquiries", "Applications"]
    swatches = [r.get("fill") for r in legend.iter(f"{SVG}rect")]
    assert swatches == ["#1d70b8", "url(#g-stripes)"]
    columns = bars(root)
    assert [c.get("fill") for c in columns] == ["#1d70b8", "url(#g-stripes)"] * 2
    heights = [float(c.get("height")) for c in columns]
    assert heights == pytest.approx([100, 50, 200, 0])
    assert {"10", "20", "5", "0", "Apr", "May"} <= set(texts(root))


def test_grouped_columns_refuse_mismatched_or_too_many_series():
    with pytest.raises(ValueError):
        grouped_column_chart("T", "D", ["Apr"], [Series("A", [1, 2])], chart_id="g")
    with pytest.raises(ValueError):
        grouped_column_chart("T", "D", ["Apr"], [Series(str(n), [1]) for n in range(4)],
                             chart_id="g")
