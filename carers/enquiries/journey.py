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
    Page("fostering", forms.FosteringTypeForm),
    Page("child", forms.KnowsChildForm),
    Page("child-details", forms.ChildForm),
    Page("heard", forms.HeardForm),
    Page("consent", forms.ConsentForm),
]
BY_SLUG = {p.slug: p for p in PAGES}
CHECK_ANSWERS = "check-answers"


def applies(slug: str, answers: dict) -> bool:
    if slug == "child-details":
        return answers.get("child", {}).get("knows_child") == "yes"
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
