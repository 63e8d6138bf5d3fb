"""A complete, valid set of answers for the enquiry journey, page by page."""

ABOUT_YOU = {"first_name": "Siân", "last_name": "O'Brien", "other_names": "",
             "date_of_birth": ["14", "2", "1984"]}
CONTACT = {"email": "sian.obrien@example.com", "phone": "07700 900 982",
           "preferred_contact": "phone"}
ADDRESS = {"address_line_1": "12 Chapel Street", "address_line_2": "", "town": "Northmoor",
           "county": "", "postcode": "nm1 2ab"}
PARTNER = {"name": "Dafydd O'Brien", "relationship": "partner", "age": "44", "applying": "yes"}
HOME = {"property_type": "house", "tenure": "owned", "bedrooms": "4", "spare_bedrooms": "2",
        "has_pets": "yes", "pets_details": "A dog"}
FOSTERING = {"fostering_types": ["short_term", "long_term"]}
NO_CHILD = {"knows_child": "no"}
CHILD_LIVING = {"lives_with_you": "yes", "living_since": ["2", "11", "2026"], "child_age": "6",
                "council": "Northmoor Council"}
HEARD = {"heard_about": "friend_family", "heard_about_other": ""}
CONSENT = {"privacy_consent": "y"}


def complete_journey(forms, kinship=False, people=(PARTNER,)):
    """Answer every page. Returns the response to the last page (check your answers)."""
    steps = [("/enquiry/about-you", ABOUT_YOU), ("/enquiry/contact", CONTACT),
             ("/enquiry/address", ADDRESS)]
    for url, data in steps:
        assert forms.submit(url, data).status_code == 302, url
    for person in people:
        assert forms.submit("/enquiry/household/person", person).status_code == 302
    assert forms.submit("/enquiry/household", {"add_person": "no"}).status_code == 302
    assert forms.submit("/enquiry/home", HOME).status_code == 302
    if kinship:
        forms.submit("/enquiry/child", {"knows_child": "yes"})
        forms.submit("/enquiry/child-details", {"child_name": "Mia O'Brien",
                                                "child_relationship": "grandparent"})
        assert forms.submit("/enquiry/child-living", CHILD_LIVING).status_code == 302
    else:
        forms.submit("/enquiry/child", NO_CHILD)
        assert forms.submit("/enquiry/fostering", FOSTERING).status_code == 302
    assert forms.submit("/enquiry/heard", HEARD).status_code == 302
    response = forms.submit("/enquiry/consent", CONSENT)
    assert response.headers["Location"].endswith("/enquiry/check-answers")
    return response
