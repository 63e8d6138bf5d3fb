"""Answer options for the enquiry form (docs/domain.md section 7)."""

FOSTERING_TYPES = [
    ("emergency", "Emergency", "A safe home at very short notice, often for a few nights"),
    ("short_term", "Short-term", "Days to months, while plans are made for the child's future"),
    ("short_breaks", "Short breaks",
     "Regular planned stays, often for disabled children, giving their families a rest"),
    ("long_term", "Long-term", "A home until the child grows up"),
    ("remand", "Remand", "Young people remanded into care by a court"),
    ("fostering_for_adoption", "Fostering for Adoption",
     "Babies and young children who may go on to be adopted by you"),
    ("parent_and_child", "Parent and child", "A parent and their baby, with support"),
    ("sibling_groups", "Brothers and sisters", "Keeping siblings together"),
    ("uasc", "Unaccompanied asylum-seeking children", "Young people who arrive alone"),
    ("specialist_therapeutic", "Specialist or therapeutic",
     "Children with complex needs, with extra training and support"),
    ("not_sure", "I'm not sure yet", "We will talk it through with you"),
]
FOSTERING_TYPE_LABELS = {key: label for key, label, _ in FOSTERING_TYPES}

PROPERTY_TYPES = [("house", "House"), ("flat", "Flat or maisonette"), ("bungalow", "Bungalow"),
                  ("other", "Other")]
TENURES = [
    ("owned", "I own it (with or without a mortgage)"),
    ("social_rent", "I rent it from the council or a housing association"),
    ("private_rent", "I rent it privately"),
    ("other", "Other, for example I live with family"),
]
CONTACT_METHODS = [("phone", "Phone"), ("email", "Email")]
RELATIONSHIPS = [
    ("partner", "Partner, husband or wife"),
    ("child", "Son or daughter"),
    ("parent", "Parent"),
    ("relative", "Other relative"),
    ("lodger", "Lodger"),
    ("other", "Someone else"),
]
CHILD_RELATIONSHIPS = [
    ("grandparent", "Grandparent"),
    ("aunt_uncle", "Aunt or uncle"),
    ("sibling", "Brother or sister"),
    ("other_relative", "Another relative"),
    ("family_friend", "Family friend"),
    ("other", "Someone else who knows the child, for example a teacher or childminder"),
]
HEARD_ABOUT = [
    ("search", "Search engine"),
    ("social_media", "Social media"),
    ("friend_family", "Friend or family member"),
    ("foster_carer", "A foster carer"),
    ("event", "An event or information session"),
    ("advert", "Advert, poster or leaflet"),
    ("radio_tv", "Radio or TV"),
    ("other", "Other"),
]
YES_NO = [("yes", "Yes"), ("no", "No")]


def label(choices, key) -> str:
    for item in choices:
        if item[0] == key:
            return item[1]
    return key or ""
