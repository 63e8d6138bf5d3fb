"""The order of the public enquiry pages, and which ones apply to this enquirer."""

from dataclasses import dataclass

from carers.enquiries import forms


@dataclass(frozen=True)
class Page:
    slug: str
    form: type[forms.QuestionForm]


PAGES = [
    Page("about-you", forms.AboutYouForm),
    Page("contact", forms.ContactForm),
    Page("address", forms.AddressForm),
    Page("household", forms.HouseholdQuestionForm),
    Page("home", forms.HomeForm),
    Page("child", forms.KnowsChildForm),
    Page("child-details", forms.ChildForm),
    Page("child-living", forms.ChildLivingForm),
    Page("fostering", forms.FosteringTypeForm),
    Page("heard", forms.HeardForm),
    Page("consent", forms.ConsentForm),
]
BY_SLUG = {p.slug: p for p in PAGES}
CHECK_ANSWERS = "check-answers"


def is_kinship(answers: dict) -> bool:
    """Someone who already cares for, or knows, a child who needs a home: kinship care."""
    return answers.get("child", {}).get("knows_child") == "yes"


# Pages only a kinship enquirer sees, and pages only the mainstream journey has.
KINSHIP_ONLY = {"child-details", "child-living"}
MAINSTREAM_ONLY = {"fostering"}


def applies(slug: str, answers: dict) -> bool:
    if slug in KINSHIP_ONLY:
        return is_kinship(answers)
    if slug in MAINSTREAM_ONLY:
        return not is_kinship(answers)
    return True


def pages_for(answers: dict) -> list[str]:
    return [p.slug for p in PAGES if applies(p.slug, answers)]


def next_slug(slug: str, answers: dict) -> str:
    slugs = pages_for(answers)
    later = slugs[slugs.index(slug) + 1:] if slug in slugs else []
    return later[0] if later else CHECK_ANSWERS


def previous_slug(slug: str, answers: dict) -> str | None:
    slugs = pages_for(answers)
    if slug not in slugs or slugs.index(slug) == 0:
        return None
    return slugs[slugs.index(slug) - 1]


def first_incomplete(answers: dict) -> str | None:
    for slug in pages_for(answers):
        if slug not in answers:
            return slug
    return None
