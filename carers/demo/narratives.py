"""What demo assessing social workers write: Form F and Form C sections built from a few
plausible, synthetic paragraphs about the household (seeded, so the same demo reads the same).
"""

import random

from carers.reports import structure

JOBS = ["a teaching assistant", "a bus driver", "a nurse on a children's ward",
        "a self-employed plumber", "a part-time administrator at the council",
        "a retail manager", "a youth worker", "a care worker", "a postal worker"]
SUPPORT = ["a sister who lives two streets away", "close friends from church",
           "the applicants' parents, who live nearby", "a neighbour who is a registered "
           "childminder", "a friend who fosters with another agency"]
STRENGTHS = ["calm and patient under pressure", "warm and good humoured",
             "organised, with clear routines", "open to advice and quick to ask for help",
             "thoughtful about difference and identity"]


def _first_names(name: str) -> str:
    return name.rsplit(" ", 1)[0] if " " in name else name


def _form_f(key: str, h, rng: random.Random) -> str:
    who = _first_names(h.name)
    job, support = rng.choice(JOBS), rng.choice(SUPPORT)
    strength, second = rng.sample(STRENGTHS, 2)
    town = (h.address or "Northmoor").rsplit(",", 1)[-1].strip() or "Northmoor"
    couple = " and " in h.name
    they = "The applicants" if couple else "The applicant"
    texts = {
        "pen_picture": [
            f"{h.name} {'live' if couple else 'lives'} in {town}. {who.split(' and ')[0]} "
            f"works as {job}. {they} applied to foster after years of caring for children "
            "in their family and community.",
            f"{they} {'are' if couple else 'is'} {strength}, and {'offer' if couple else 'offers'}"
            " short-term and long-term fostering for children of primary school age, "
            "including brothers and sisters.",
        ],
        "medical": [
            "The agency medical adviser has read the GP reports and sees no health reason "
            "why the applicants cannot foster children of any age.",
            "One applicant has well controlled asthma; it does not affect daily caring.",
        ],
        "health_safety": [
            "The home health and safety check found a safe, well kept home. Medicines and "
            "cleaning products are locked away; smoke alarms were tested on the day.",
            "The garden pond is to be fenced before a child under five is placed.",
        ],
        "finances": [
            "The household's income covers its outgoings with room to spare; the fostering "
            "allowance would meet a child's costs.",
            "Both employers have confirmed flexible hours for meetings and school runs.",
        ],
        "former_partners": [
            "One applicant had a previous long-term partner; they were contacted, gave a "
            "written reference and raised no concerns about the applicant's care of children.",
        ],
        "household_views": [
            "The applicants' own children were seen on their own. They are positive about "
            "fostering and understand that a foster child will share their parents' time.",
        ],
        "safer_caring": [
            "The household's safer caring policy covers privacy, bathroom and bedroom "
            "routines, online safety and who may babysit. It was agreed at the final visit "
            "and will be reviewed with each child placed.",
        ],
        "capacity_caring": [
            f"{they} {'are' if couple else 'is'} {second}; they gave clear examples of "
            "meeting the needs of children in their family, including a nephew with "
            "additional needs.",
        ],
        "capacity_safe": [
            "They manage behaviour through routine and praise, with an understanding of why "
            "a child may test boundaries, and know how to report a concern.",
        ],
        "capacity_team": [
            "They spoke respectfully about parents who cannot care for their children and "
            "understand the importance of contact and of working with the child's social "
            "worker and school.",
        ],
        "capacity_development": [
            "They reflect well on feedback, asked for further training on therapeutic "
            "parenting and will join the carers' support group.",
        ],
        "applicant_history": [
            f"{who} described a settled childhood with {rng.choice(['two', 'three', 'four'])} "
            "siblings. They spoke openly about a parent's illness in their teens and how it "
            "taught them what a child needs when home life is uncertain.",
            "Their relationships are stable; previous partners were contacted where there "
            "were children and gave positive references.",
        ],
        "lifestyle": [
            f"The home is a well kept {rng.choice(['three', 'four'])}-bedroom house with a "
            "garden; the foster child would have their own bedroom. Health and safety and "
            "pet assessments are on file.",
            f"Their support network includes {support}, who attended a network meeting and "
            "would offer back-up care.",
        ],
        "preparation": [
            "Both attended Skills to Foster and reflected well on the sessions about "
            "trauma, attachment and life story work.",
            "They will need support with the first placement and agreed to attend the "
            "carers' support group and further training on therapeutic parenting.",
        ],
        "supporting": [
            "Medical reports raise no concerns. Both personal referees were interviewed "
            "and spoke highly of the applicants with children.",
            "The applicants' own children were seen separately; they are positive about "
            "fostering and understand what sharing their home will mean.",
        ],
    }
    if key.startswith("applicant_history_"):
        key = "applicant_history"
    return "\n\n".join(texts[key])


def _form_c(key: str, h, rng: random.Random) -> str:
    child = h.child_name or "the child"
    first = child.split()[0]
    relationship = (h.child_relationship or "relative").lower()
    texts = {
        "viability": [
            f"The viability assessment found {h.name} able to offer {first} a safe home "
            "straight away, with support; a full assessment was recommended.",
        ],
        "contact": [
            f"{first} sees their mother once a fortnight at the family centre, supervised, "
            "and their father monthly. The carers will take them and will not supervise "
            "contact themselves.",
        ],
        "child": [
            f"{first} has lived with {h.name} ({relationship}) since the placing "
            "authority asked them to step in. They are settled, attend school or "
            "nursery regularly and are meeting their developmental milestones.",
            f"{first} says they feel safe and wants to stay. Their identity and links to "
            "both sides of the family are well understood by the carer.",
        ],
        "birth_family": [
            f"{first}'s parents have struggled with substance misuse and domestic abuse. "
            "Contact with mum is supervised at the family centre once a fortnight.",
            "The carer keeps a respectful relationship with both parents and accepts that "
            "contact must follow the care plan.",
        ],
        "applicant": [
            f"{h.name} is {rng.choice(JOBS)} and has raised their own children to "
            f"adulthood. They have support from {rng.choice(SUPPORT)}.",
            "Their health is good; the GP report raises no concerns about their ability "
            "to care for a child until adulthood.",
        ],
        "capacity": [
            f"The carer has met {first}'s needs well since the placement began and works "
            "openly with the child's social worker and school.",
            f"They are {rng.choice(STRENGTHS)} and understand the need to keep {first} "
            "safe from the risks in the birth family, including at contact.",
        ],
        "summary": [
            f"This assessment finds that {h.name} can meet {first}'s needs throughout "
            "childhood. The placement gives the child stability within their own family.",
            f"I recommend that {h.name} is approved as a connected person foster carer "
            f"for {child}.",
        ],
    }
    return "\n\n".join(texts[key])


def report_texts(h, rng: random.Random, sections: int | None = None) -> dict[str, str]:
    """The narrative sections of the household's report; the first ``sections`` only when
    the assessment is still being written."""
    form = structure.form_for(h.pathway)
    write = _form_c if form is structure.Form.C else _form_f
    applicants = [(m.id, m.name) for m in h.members if m.is_applicant]
    keys = structure.current_keys(form, applicants)
    if sections is not None:
        keys = keys[:sections]
    return {key: write(key, h, rng) for key in keys}


def report_terms(h) -> str:
    if h.child_name:
        return f"{h.child_name}, the named child"
    return "Up to two children, aged 0 to 12, short-term and long-term"


def applicant_comments(rng: random.Random) -> str:
    return rng.choice([
        "We have read the report and agree it is a fair picture of our family.",
        "Thank you for the time you have taken with us. We agree with the report.",
        "We agree with the report; one date in Section A was corrected before sign-off.",
    ])
