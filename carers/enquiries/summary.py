"""Answers as summary-list rows, shared by 'check your answers' and the staff inbox."""

from datetime import date

from flask import url_for

from carers.core.dates import format_date
from carers.enquiries import choices


def _row(key, value, slug=None, field=None):
    shown = value if value not in (None, "") else "Not given"
    row = {"key": {"text": key}, "value": {"text": shown}}
    if slug:
        href = url_for("enquiry.question", slug=slug, change="1")
        if field:
            href += f"#{field}"
        row["actions"] = {"items": [{"href": href, "text": "Change",
                                     "visuallyHiddenText": key.lower()}]}
    return row


def _yes_no(value) -> str:
    return {"yes": "Yes", "no": "No", True: "Yes", False: "No"}.get(value, "")


def person_text(person: dict) -> str:
    text = f"{choices.label(choices.RELATIONSHIPS, person['relationship'])}, aged {person['age']}"
    if person.get("applying") == "yes":
        text += ", applying with you"
    return text


def answer_sections(answers: dict, editable: bool = True) -> list[dict]:
    def r(key, value, slug, field=None):
        return _row(key, value, slug if editable else None, field)

    about, contact, address = answers["about-you"], answers["contact"], answers["address"]
    home, child = answers["home"], answers["child"]
    people = answers["household"].get("people", [])
    address_text = ", ".join(
        part for part in (address["address_line_1"], address.get("address_line_2"),
                          address["town"], address.get("county"), address["postcode"]) if part
    )
    sections = [
        {"title": "About you", "rows": [
            r("Name", f"{about['first_name']} {about['last_name']}", "about-you", "first_name"),
            r("Other names", about.get("other_names"), "about-you", "other_names"),
            r("Date of birth", format_date(date.fromisoformat(about["date_of_birth"])),
              "about-you", "date_of_birth-day"),
        ]},
        {"title": "Contact details", "rows": [
            r("Email address", contact["email"], "contact", "email"),
            r("Telephone number", contact["phone"], "contact", "phone"),
            r("Contact by", choices.label(choices.CONTACT_METHODS, contact["preferred_contact"]),
              "contact", "preferred_contact"),
            r("Address", address_text, "address", "address_line_1"),
        ]},
        {"title": "Who lives with you", "rows": [
            r(p["name"], person_text(p), "household") for p in people
        ] or [r("Other people", "Nobody else lives with me", "household")]},
        {"title": "Your home", "rows": [
            r("Type of home", choices.label(choices.PROPERTY_TYPES, home["property_type"]),
              "home", "property_type"),
            r("Own or rent", choices.label(choices.TENURES, home["tenure"]), "home", "tenure"),
            r("Bedrooms", str(home["bedrooms"]), "home", "bedrooms"),
            r("Spare bedrooms", str(home["spare_bedrooms"]), "home", "spare_bedrooms"),
            r("Pets", _yes_no(home["has_pets"]) + (f": {home['pets_details']}"
              if home.get("pets_details") else ""), "home", "has_pets"),
        ]},
        {"title": "Fostering", "rows": [
            r("Knows a child who needs a home", _yes_no(child["knows_child"]), "child"),
        ]},
    ]
    if child["knows_child"] != "yes":
        sections[-1]["rows"].insert(0, r("Kinds of fostering", ", ".join(
            choices.FOSTERING_TYPE_LABELS.get(t, t)
            for t in answers["fostering"]["fostering_types"]), "fostering"))
    if child["knows_child"] == "yes" and "child-details" in answers:
        details = answers["child-details"]
        sections[-1]["rows"] += [
            r("Child's name", details["child_name"], "child-details", "child_name"),
            r("How you know the child", choices.label(choices.CHILD_RELATIONSHIPS,
              details["child_relationship"]), "child-details", "child_relationship"),
            r("The child's situation", details.get("child_details"), "child-details",
              "child_details"),
        ]
    if child["knows_child"] == "yes" and "child-living" in answers:
        living = answers["child-living"]
        lives = _yes_no(living["lives_with_you"])
        if living["lives_with_you"] == "yes" and living.get("living_since"):
            lives += ", since " + format_date(date.fromisoformat(living["living_since"]))
        sections[-1]["rows"] += [
            r("Living with you now", lives, "child-living", "lives_with_you"),
            r("The child's age", str(living["child_age"]), "child-living", "child_age"),
            r("The council involved", living["council"], "child-living", "council"),
        ]
    heard = answers["heard"]
    heard_text = choices.label(choices.HEARD_ABOUT, heard["heard_about"])
    if heard.get("heard_about_other"):
        heard_text += f": {heard['heard_about_other']}"
    sections[-1]["rows"].append(r("How you heard about us", heard_text, "heard"))
    sections.append({"title": "Your information", "rows": [
        r("Privacy notice", "Read and agreed" if answers["consent"].get("privacy_consent")
          else "Not agreed", "consent"),
        r("Keep in touch", _yes_no(bool(answers["consent"].get("keep_in_touch"))), "consent"),
    ]})
    return sections


def enquiry_answers(enquiry) -> dict:
    """A submitted enquiry in the shape of the journey's answers, to show it the same way."""
    answers = {
        "about-you": {"first_name": enquiry.first_name, "last_name": enquiry.last_name,
                      "other_names": enquiry.other_names,
                      "date_of_birth": enquiry.date_of_birth.isoformat()},
        "contact": {"email": enquiry.email, "phone": enquiry.phone,
                    "preferred_contact": enquiry.preferred_contact},
        "address": {"address_line_1": enquiry.address_line_1,
                    "address_line_2": enquiry.address_line_2, "town": enquiry.town,
                    "county": enquiry.county, "postcode": enquiry.postcode},
        "household": {"people": [
            {"name": p.name, "relationship": p.relationship_to_enquirer, "age": p.age,
             "applying": "yes" if p.applying else "no"} for p in enquiry.people]},
        "home": {"property_type": enquiry.property_type, "tenure": enquiry.tenure,
                 "bedrooms": enquiry.bedrooms, "spare_bedrooms": enquiry.spare_bedrooms,
                 "has_pets": "yes" if enquiry.has_pets else "no",
                 "pets_details": enquiry.pets_details},
        "fostering": {"fostering_types": enquiry.fostering_types or []},
        "child": {"knows_child": "yes" if enquiry.knows_child else "no"},
        "heard": {"heard_about": enquiry.heard_about,
                  "heard_about_other": enquiry.heard_about_other},
        "consent": {"privacy_consent": True, "keep_in_touch": enquiry.keep_in_touch},
    }
    if enquiry.knows_child:
        answers["child-details"] = {"child_name": enquiry.child_name,
                                    "child_relationship": enquiry.child_relationship,
                                    "child_details": enquiry.child_details}
        if enquiry.child_lives_with_enquirer is not None:
            answers["child-living"] = {
                "lives_with_you": "yes" if enquiry.child_lives_with_enquirer else "no",
                "living_since": enquiry.child_living_since.isoformat()
                if enquiry.child_living_since else None,
                "child_age": enquiry.child_age, "council": enquiry.child_council}
    return answers
