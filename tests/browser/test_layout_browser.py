"""Staff pages on a narrow phone (320 CSS pixels, WCAG 1.4.10 reflow) and on a small laptop
(1024 pixels): the page never scrolls sideways; a wide table scrolls in its own named,
focusable region instead; and axe finds nothing wrong."""

import pytest
from playwright.sync_api import Page, expect

from carers.checks import operations as checks
from carers.extensions import db
from tests.browser.helpers import sign_in
from tests.factories import make_enquiry, make_household, make_staff, make_team

pytestmark = pytest.mark.browser

# Long words people type: a hyphenated surname, an email address with no spaces.
LONG_NAME = "Household Featherstonehaugh-Cholmondeley-Worthington-Smythe"
LONG_WORD = "Featherstonehaughcholmondeleyworthingtonsmythe"
LONG_EMAIL = "siobhan.featherstonehaugh-cholmondeley.worthington@example-council.gov.uk"


@pytest.fixture
def busy_agency(app):
    """An administrator in a team with cases at several stages, their checks, enquiries with
    long names and addresses, and the audit entries all that makes."""
    team = make_team("North and West Fostering Recruitment and Assessment Team")
    admin = make_staff("administrator", team=team,
                       name="Administrator With A Rather Long Double-Barrelled-Name")
    worker = make_staff("assessing_social_worker", team=team,
                        name="Assessing Social Worker Featherstonehaugh-Cholmondeley")
    for stage in ("stage1", "stage2", "enquiry", "initial_visit"):
        household = make_household("mainstream", stage, team=team, workers=[worker, admin],
                                   name=f"{LONG_NAME} {stage}")
        checks.sync_required_checks(household, admin)
    db.session.commit()
    for n in range(3):
        make_enquiry(first_name="Siobhán-Aoibheann", last_name=f"Featherstonehaugh {n}",
                     email=LONG_EMAIL)
    return admin


def scrolls_sideways(page: Page) -> bool:
    return page.evaluate(
        "document.documentElement.scrollWidth > document.documentElement.clientWidth")


def too_wide(page: Page) -> list[str]:
    """The elements (outside scroll regions) that reach past the right of the page, or whose
    text runs out of them."""
    return page.evaluate("""() => {
        const width = document.documentElement.clientWidth;
        const outside = e => !e.parentElement.closest(".app-table-scroll");
        const right = e => Math.round(e.getBoundingClientRect().right +
            (getComputedStyle(e).overflowX === "visible" ? e.scrollWidth - e.clientWidth : 0));
        return [...document.querySelectorAll("body *")]
            .filter(e => outside(e) && right(e) > width + 1)
            .map(e => `${right(e)}px: ${e.outerHTML.slice(0, 120)}`);
    }""")


@pytest.mark.parametrize("path, region", [
    ("/staff/pipeline", "Cases, most urgent deadline first"),
    ("/staff/enquiries/", "3 enquiries"),
    ("/staff/checks", "Checks needing attention"),
    ("/staff/admin/audit", None),
])
def test_staff_tables_scroll_in_their_own_region_on_a_narrow_phone(
        page, axe, busy_agency, path, region):
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, busy_agency.email)
    page.goto(path)
    expect(page.get_by_role("heading", level=1)).to_be_visible()
    assert page.locator("table").count() > 0, f"{path} shows no table"
    assert not scrolls_sideways(page), (path, too_wide(page))
    # Every table sits in a focusable region named by its caption.
    for table in page.locator("table").all():
        scroller = table.locator("xpath=..")
        expect(scroller).to_have_attribute("role", "region")
        expect(scroller).to_have_attribute("tabindex", "0")
    if region:
        scroller = page.get_by_role("region", name=region)
        expect(scroller).to_be_visible()
        scroller.focus()
        expect(scroller).to_be_focused()
    axe(page)


def test_the_pipeline_filters_fit_the_page_on_a_small_laptop(page, axe, busy_agency):
    page.set_viewport_size({"width": 1024, "height": 768})
    sign_in(page, busy_agency.email)
    page.goto("/staff/pipeline")
    expect(page.get_by_role("heading", name="Filter cases")).to_be_visible()
    assert not scrolls_sideways(page), too_wide(page)
    # Each filter stays inside the form, side by side with the others.
    overflowing = page.evaluate("""() => {
        const form = document.querySelector(".carers-filters").getBoundingClientRect();
        return [...document.querySelectorAll(".carers-filter")].filter(filter => {
            const select = filter.querySelector("select").getBoundingClientRect();
            const box = filter.getBoundingClientRect();
            return select.right > box.right + 1 || box.right > form.right + 1;
        }).map(filter => filter.querySelector("label").textContent.trim());
    }""")
    assert not overflowing, f"filters spill out of their place: {overflowing}"
    axe(page)


def test_long_words_people_type_wrap_rather_than_widen_the_page(page, axe, busy_agency):
    household = make_household("mainstream", "stage1", workers=[busy_agency],
                               name=f"Siobhán {LONG_WORD}")
    page.set_viewport_size({"width": 320, "height": 720})
    sign_in(page, busy_agency.email)
    page.goto(f"/staff/cases/{household.reference}")
    expect(page.get_by_role("heading", level=1)).to_contain_text(LONG_WORD)
    assert not scrolls_sideways(page), too_wide(page)
    axe(page)
