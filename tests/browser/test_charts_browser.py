"""The server-drawn charts in Chromium: axe finds nothing wrong, and a linked bar takes the
keyboard focus with the GOV.UK yellow focus style from the service's stylesheet."""

from pathlib import Path

import pytest
from markupsafe import escape
from playwright.sync_api import expect

from carers.core.charts import Bar, Series, bar_chart, column_chart, grouped_column_chart
from tests.browser.helpers import watch_console

pytestmark = pytest.mark.browser

STYLESHEET = Path(__file__).parents[2] / "carers" / "static" / "application.css"
MONTHS = ["Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec", "Jan", "Feb", "Mar"]


def chart_page() -> str:
    charts = [
        bar_chart("Recruitment this year", "Of 120 enquiries, 12 households were approved.", [
            Bar("Enquiries", 120, href="/staff/enquiries"),
            Bar("Initial visits", 48, href="/staff/visits", note="6 booked"),
            Bar("Applications", 20),
            Bar("Approved <& \"quoted\">", 12),
        ], chart_id="funnel", unit="households"),
        column_chart("Enquiries by month", "Enquiries peaked in September.",
                     [Bar(m, (i * 7) % 13, href=f"/m/{m}") for i, m in enumerate(MONTHS)],
                     chart_id="trend"),
        column_chart("Approvals by month", "No approvals yet.", [Bar(m, 0) for m in MONTHS],
                     chart_id="approvals"),
        grouped_column_chart("Enquiries and applications", "Applications follow enquiries.",
                             MONTHS[:6], [Series("Enquiries", [5, 8, 2, 9, 4, 6]),
                                          Series("Applications", [1, 2, 0, 3, 1, 2]),
                                          Series("Approvals", [0, 1, 0, 1, 0, 1])],
                             chart_id="grouped"),
        bar_chart("Nothing yet", "No households this year.", [], chart_id="empty"),
    ]
    figures = "".join(f"<figure>{chart}</figure>" for chart in charts)
    return (f'<!DOCTYPE html><html lang="en"><head><title>{escape("Charts")}</title></head>'
            f"<body><main><h1>Recruitment</h1>{figures}</main></body></html>")


@pytest.fixture
def chart_tab(browser, console_errors):
    context = browser.new_context()
    page = context.new_page()
    watch_console(page, console_errors)
    page.set_content(chart_page())
    page.add_style_tag(content=STYLESHEET.read_text(encoding="utf-8"))
    yield page
    context.close()


def test_charts_pass_axe(chart_tab, axe):
    axe(chart_tab)


def test_charts_are_named_for_assistive_technology(chart_tab):
    expect(chart_tab.get_by_role("img", name="Approvals by month")).to_be_visible()
    expect(chart_tab.get_by_role("group", name="Recruitment this year")).to_be_visible()
    expect(chart_tab.get_by_role("link", name="Enquiries: 120 households")).to_be_visible()
    expect(chart_tab.get_by_role("link", name="Initial visits: 48 households (6 booked)")
           ).to_be_visible()


def test_a_linked_bar_takes_focus_with_the_yellow_focus_style(chart_tab):
    chart_tab.keyboard.press("Tab")
    link = chart_tab.get_by_role("link", name="Enquiries: 120 households")
    expect(link).to_be_focused()
    focus = link.locator(".app-chart__focus")
    fill = focus.evaluate("element => getComputedStyle(element).fill")
    assert fill == "rgb(255, 221, 0)"
    chart_tab.keyboard.press("Tab")
    expect(chart_tab.get_by_role("link", name="Initial visits: 48 households (6 booked)")
           ).to_be_focused()
    # Unfocused, the rectangle is not painted.
    assert focus.evaluate("element => getComputedStyle(element).fill") == "none"
