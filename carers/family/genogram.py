"""The family tree (genogram) as plain Python: who is in which generation, where each person
is drawn, the SVG with the usual genogram symbols, and the same tree as sentences for screen
readers and the printed report.

Conventions (CoramBAAF's family tree, and genograms generally): a square for a male, a circle
for a female, a diamond when the sex is not known; an X through someone who has died; the
child the assessment is about drawn with a double outline; partners joined by a line below
them, crossed by one slash for a separation and two for a divorce; children hanging from
their parents' line in birth order; a dashed line round the people who live in the
household.

Values in, values out: the tree is a plain mapping (``carers.family.figures.family_facts``
builds it from the case), so a signed-off report can keep it as it was.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from html import escape

SEXES = {"female": "Female", "male": "Male", "unknown": "Not known"}
PARTNER_STATUSES = {
    "married": "Married",
    "civil_partnership": "Civil partnership",
    "cohabiting": "Living together",
    "separated": "Separated",
    "divorced": "Divorced",
}
# How a partnership reads in a sentence: "married to Pat Smith".
PARTNER_WORDS = {
    "married": "married to",
    "civil_partnership": "in a civil partnership with",
    "cohabiting": "living with",
    "separated": "separated from",
    "divorced": "divorced from",
}
# Slashes across the partnership line.
SLASHES = {"separated": 1, "divorced": 2}
PARENT_OF, PARTNERS = "parent_of", "partners"
RELATIONSHIP_KINDS = {PARENT_OF: "Parent and child", PARTNERS: "Partners"}

# Drawing sizes, in SVG user units (about a pixel on screen).
SYMBOL = 36  # a symbol's width and height
SLOT = 130  # horizontal room for one person and their name
ROW = 150  # from one generation to the next
MARGIN = 30
NAME_GAP = 16  # from the bottom of a symbol to its name's baseline
PARTNER_DROP = 14  # how far below the symbols the partnership line runs
MAX_NAME = 20  # characters of a name drawn under the symbol (the text list has them all)


class TreeProblem(ValueError):
    """A relationship the tree cannot hold (the message says why, for the error summary)."""


def _words(kind: str, sex: str) -> str:
    table = {
        "parent": {"female": "mother", "male": "father"},
        "child": {"female": "daughter", "male": "son"},
        "sibling": {"female": "sister", "male": "brother"},
        "half_sibling": {"female": "half-sister", "male": "half-brother"},
    }[kind]
    return table.get(sex, kind.replace("_", "-"))


@dataclass
class Person:
    id: int
    name: str
    sex: str = "unknown"
    birth_year: int | None = None
    died: bool = False
    died_year: int | None = None
    in_household: bool = False
    subject_child: bool = False
    order: int = 0
    parents: list[int] = field(default_factory=list)
    children: list[int] = field(default_factory=list)
    partners: list[tuple[int, str]] = field(default_factory=list)
    generation: int = 0
    x: float = 0.0
    y: float = 0.0


@dataclass
class Tree:
    people: dict[int, Person]
    partnerships: list[tuple[int, int, str]]  # (left, right, status)

    def name(self, person_id: int) -> str:
        return self.people[person_id].name


def _year(value) -> int | None:
    if value in (None, ""):
        return None
    try:
        return int(str(value)[:4])
    except ValueError:
        return None


def build_tree(family: dict) -> Tree:
    """The tree from the plain mapping: people with their parents, children and partners.
    Links to people not in the tree, and a person's link to themselves, are left out."""
    people: dict[int, Person] = {}
    for order, row in enumerate(family.get("people") or []):
        person = Person(
            id=int(row["id"]), name=str(row.get("name") or "Unnamed"),
            sex=row.get("sex") if row.get("sex") in SEXES else "unknown",
            birth_year=_year(row.get("birth_year") or row.get("born_on")),
            died=bool(row.get("died")), died_year=_year(row.get("died_year")),
            in_household=bool(row.get("in_household")),
            subject_child=bool(row.get("subject_child")), order=order)
        people[person.id] = person
    partnerships = []
    seen = set()
    for row in family.get("relationships") or []:
        a, b = int(row["from"]), int(row["to"])
        if a == b or a not in people or b not in people:
            continue
        if row.get("kind") == PARENT_OF:
            if a not in people[b].parents:
                people[b].parents.append(a)
                people[a].children.append(b)
        elif row.get("kind") == PARTNERS:
            key = frozenset((a, b))
            if key in seen:
                continue
            seen.add(key)
            status = row.get("status") if row.get("status") in PARTNER_STATUSES else "married"
            people[a].partners.append((b, status))
            people[b].partners.append((a, status))
            partnerships.append((a, b, status))
    _generations(people, partnerships)
    return Tree(people, partnerships)


def _generations(people: dict[int, Person], partnerships) -> None:
    """Each person's generation: one below their lowest parent, partners level with each
    other. Settles in a few passes; a loop in the links (which the forms refuse) cannot make
    it run for ever."""
    for person in people.values():
        person.generation = 0
    for _ in range(len(people) * 2 + 2):
        changed = False
        for person in people.values():
            if person.parents:
                wanted = max(people[p].generation for p in person.parents) + 1
                if wanted > person.generation:
                    person.generation, changed = wanted, True
        for a, b, _status in partnerships:
            level = max(people[a].generation, people[b].generation)
            for pid in (a, b):
                if people[pid].generation != level:
                    people[pid].generation, changed = level, True
        # Someone who married in, with no parents of their own in the tree, is level with
        # their partner; a parent with no parents in the tree sits just above their child.
        for person in people.values():
            if not person.parents and person.children:
                wanted = min(people[c].generation for c in person.children) - 1
                if wanted > person.generation and not any(
                        people[p].parents for p, _s in person.partners):
                    person.generation, changed = wanted, True
        if not changed:
            break


def would_loop(family: dict, parent_id: int, child_id: int) -> bool:
    """Whether making ``parent_id`` a parent of ``child_id`` would make someone their own
    ancestor."""
    children: dict[int, list[int]] = {}
    for row in family.get("relationships") or []:
        if row.get("kind") == PARENT_OF:
            children.setdefault(int(row["from"]), []).append(int(row["to"]))
    stack, seen = [child_id], set()
    while stack:
        current = stack.pop()
        if current == parent_id:
            return True
        if current in seen:
            continue
        seen.add(current)
        stack.extend(children.get(current, []))
    return False


def check_relationship(family: dict, kind: str, from_id: int, to_id: int) -> None:
    """Refuse a relationship the tree cannot hold, with a sentence for the error summary."""
    if from_id == to_id:
        raise TreeProblem("Select two different people")
    parents = [r for r in family.get("relationships") or []
               if r.get("kind") == PARENT_OF and int(r["to"]) == to_id]
    pair = {from_id, to_id}
    for row in family.get("relationships") or []:
        if {int(row["from"]), int(row["to"])} == pair:
            raise TreeProblem("These two people are already linked. Remove that link "
                              "first to change it")
    if kind == PARENT_OF:
        if len(parents) >= 2:
            raise TreeProblem("This person already has two parents in the family tree")
        if would_loop(family, from_id, to_id):
            raise TreeProblem("A person cannot be their own ancestor. Check who is the "
                              "parent and who is the child")


# --- layout ---

def _sibling_key(tree: Tree, person: Person):
    return (person.birth_year is None, person.birth_year or 0, person.order)


def layout(tree: Tree) -> tuple[float, float]:
    """Place every person (x, y of the symbol's centre) and return the drawing's size.
    Generation by generation, top down: a family's children in birth order under the middle
    of their parents' line, a partner with no parents in the tree beside the person they
    partner, nobody overlapping."""
    people = tree.people
    if not people:
        return (2 * MARGIN, 2 * MARGIN)
    placed: set[int] = set()
    for generation in sorted({p.generation for p in people.values()}):
        members = sorted((p for p in people.values() if p.generation == generation),
                         key=lambda p: p.order)

        def placed_parents(person: Person) -> tuple[int, ...]:
            return tuple(sorted(p for p in person.parents if p in placed))

        def centre(person: Person) -> float:
            parents = placed_parents(person)
            return sum(people[p].x for p in parents) / len(parents)

        # Units: a person and the partners who married in (no parents drawn above them),
        # the first such partner on their left, any others on their right.
        in_unit: set[int] = set()
        units: list[tuple[Person, list[Person]]] = []
        with_parents = sorted((p for p in members if placed_parents(p)),
                              key=lambda p: (centre(p), placed_parents(p),
                                             _sibling_key(tree, p)))
        without = [p for p in members if not placed_parents(p)]
        for anchor in [*with_parents, *without]:
            if anchor.id in in_unit:
                continue
            in_unit.add(anchor.id)
            joined = [people[pid] for pid, _s in anchor.partners
                      if pid not in in_unit and people[pid].generation == generation
                      and not placed_parents(people[pid])]
            in_unit.update(p.id for p in joined)
            row = [anchor, *joined] if len(joined) < 2 else [joined[0], anchor, *joined[1:]]
            units.append((anchor, row))
        cursor = MARGIN + SLOT / 2
        seen_families: set[tuple[int, ...]] = set()
        for anchor, row in units:
            family = placed_parents(anchor)
            if family and family not in seen_families:
                seen_families.add(family)
                span = sum(len(r) for a, r in units if placed_parents(a) == family)
                cursor = max(cursor, centre(anchor) - (span - 1) * SLOT / 2)
            for member in row:
                member.x = cursor
                member.y = MARGIN + SYMBOL / 2 + 5 + generation * ROW
                cursor += SLOT
        placed.update(p.id for p in members)
    left = min(p.x for p in people.values()) - SLOT / 2
    for person in people.values():
        person.x += MARGIN - left
    width = max(p.x for p in people.values()) + SLOT / 2 + MARGIN
    height = max(p.y for p in people.values()) + SYMBOL / 2 + NAME_GAP * 2 + MARGIN + 10
    return (width, height)


# --- the SVG ---

def _fmt(value: float) -> str:
    return f"{value:.1f}".rstrip("0").rstrip(".")


def _attrs(**values) -> str:
    return "".join(f' {name.rstrip("_").replace("_", "-")}="{escape(str(v), quote=True)}"'
                   for name, v in values.items() if v is not None)


def _short(name: str) -> str:
    return name if len(name) <= MAX_NAME else name[:MAX_NAME - 1].rstrip() + "…"


SHAPE = ' fill="#ffffff" stroke="#0b0c0c" stroke-width="2"'
OUTLINE = ' fill="none" stroke="#0b0c0c" stroke-width="2"'


def _symbol(person: Person, grow: float = 0, classes: str = "symbol") -> str:
    half = SYMBOL / 2 + grow
    paint = OUTLINE if grow else SHAPE
    x, y = person.x, person.y
    if person.sex == "male":
        return (f'<rect class="{classes} square"{_attrs(x=_fmt(x - half), y=_fmt(y - half))}'
                f'{_attrs(width=_fmt(2 * half), height=_fmt(2 * half))}{paint}/>')
    if person.sex == "female":
        return (f'<circle class="{classes} circle"'
                f'{_attrs(cx=_fmt(x), cy=_fmt(y), r=_fmt(half))}{paint}/>')
    points = f"{_fmt(x)},{_fmt(y - half)} {_fmt(x + half)},{_fmt(y)} " \
             f"{_fmt(x)},{_fmt(y + half)} {_fmt(x - half)},{_fmt(y)}"
    return f'<polygon class="{classes} diamond" points="{points}"{paint}/>'


def _life(person: Person) -> str:
    parts = []
    if person.birth_year:
        parts.append(f"b. {person.birth_year}")
    if person.died:
        parts.append(f"d. {person.died_year}" if person.died_year else "died")
    return ", ".join(parts)


def _person_svg(person: Person) -> str:
    classes = ["person", person.sex]
    if person.died:
        classes.append("deceased")
    if person.subject_child:
        classes.append("subject")
    if person.in_household:
        classes.append("in-household")
    parts = [f'<g class="{" ".join(classes)}"{_attrs(data_person=person.id)}>',
             _symbol(person)]
    if person.subject_child:
        parts.append(_symbol(person, grow=5, classes="subject-outline"))
    if person.died:
        half = SYMBOL / 2 - 2
        parts.append(
            '<g class="death-cross" stroke="#0b0c0c" stroke-width="2">'
            f'<line{_attrs(x1=_fmt(person.x - half), y1=_fmt(person.y - half))}'
            f'{_attrs(x2=_fmt(person.x + half), y2=_fmt(person.y + half))}/>'
            f'<line{_attrs(x1=_fmt(person.x - half), y1=_fmt(person.y + half))}'
            f'{_attrs(x2=_fmt(person.x + half), y2=_fmt(person.y - half))}/></g>')
    baseline = person.y + SYMBOL / 2 + NAME_GAP + (6 if person.subject_child else 0)
    parts.append(f'<text class="name"{_attrs(x=_fmt(person.x), y=_fmt(baseline))}>'
                 f'{escape(_short(person.name))}</text>')
    if life := _life(person):
        parts.append(f'<text class="life" font-size="10"'
                     f'{_attrs(x=_fmt(person.x), y=_fmt(baseline + 14))}>'
                     f'{escape(life)}</text>')
    parts.append("</g>")
    return "".join(parts)


def _partnership_svg(tree: Tree, a: int, b: int, status: str) -> tuple[str, float, float]:
    """The line joining two partners, side to side at the symbols' middle, and its slashes;
    returns the markup and the middle of the line, where their children's line starts."""
    left, right = sorted((tree.people[a], tree.people[b]), key=lambda p: p.x)
    y = (left.y + right.y) / 2
    start, end = left.x + SYMBOL / 2, right.x - SYMBOL / 2
    middle = (left.x + right.x) / 2
    dash = {"cohabiting": "8 4", "unrecorded": "2 4"}.get(status)
    parts = [f'<g class="partnership {status}"'
             f'{_attrs(data_partners=f"{left.id} {right.id}", data_status=status)}'
             f'{_attrs(stroke_dasharray=dash)}>',
             f'<line class="partner-line"{_attrs(x1=_fmt(start), y1=_fmt(left.y))}'
             f'{_attrs(x2=_fmt(middle), y2=_fmt(y))}/>'
             if left.y == right.y else
             f'<path class="partner-line" d="M {_fmt(start)} {_fmt(left.y)} H {_fmt(middle)} '
             f'V {_fmt(right.y)} H {_fmt(end)}"/>']
    if left.y == right.y:
        parts.append(f'<line class="partner-line"{_attrs(x1=_fmt(middle), y1=_fmt(y))}'
                     f'{_attrs(x2=_fmt(end), y2=_fmt(y))}/>')
    slash_x = middle - 14
    for n in range(SLASHES.get(status, 0)):
        offset = (n - (SLASHES[status] - 1) / 2) * 8
        parts.append(f'<line class="slash" stroke-dasharray="none"'
                     f'{_attrs(x1=_fmt(slash_x + offset - 5))}'
                     f'{_attrs(y1=_fmt(y + 9), x2=_fmt(slash_x + offset + 5))}'
                     f'{_attrs(y2=_fmt(y - 9))}/>')
    parts.append("</g>")
    return "".join(parts), middle, y


def _families(tree: Tree) -> dict[tuple[int, ...], list[Person]]:
    """Children grouped by their parents (one or two), in birth order."""
    families: dict[tuple[int, ...], list[Person]] = {}
    for person in tree.people.values():
        if person.parents:
            families.setdefault(tuple(sorted(person.parents)), []).append(person)
    for children in families.values():
        children.sort(key=lambda p: _sibling_key(tree, p))
    return families


def _household_boundary(tree: Tree) -> str:
    """A dashed line round each run of household members side by side in a generation:
    round the household's people only, never round someone who lives elsewhere."""
    members = sorted((p for p in tree.people.values() if p.in_household),
                     key=lambda p: (p.y, p.x))
    if not members:
        return ""
    runs: list[list[Person]] = []
    for person in members:
        others_between = runs and runs[-1][-1].y == person.y and any(
            not p.in_household and p.y == person.y and runs[-1][-1].x < p.x < person.x
            for p in tree.people.values())
        if runs and runs[-1][-1].y == person.y and not others_between:
            runs[-1].append(person)
        else:
            runs.append([person])
    boxes = []
    for run in runs:
        x1 = min(p.x for p in run) - SLOT / 2 + 8
        x2 = max(p.x for p in run) + SLOT / 2 - 8
        y1 = run[0].y - SYMBOL / 2 - 10
        y2 = run[0].y + SYMBOL / 2 + NAME_GAP * 2 + 8
        boxes.append((x1, y1, x2, y2))
    parts = ['<g class="household" fill="none" stroke="#505a5f" stroke-width="1.5" '
             'stroke-dasharray="8 5">']
    for x1, y1, x2, y2 in boxes:
        parts.append(f'<rect class="household-boundary"{_attrs(x=_fmt(x1), y=_fmt(y1))}'
                     f'{_attrs(width=_fmt(x2 - x1), height=_fmt(y2 - y1), rx=12)}/>')
    parts.append("</g>")
    return "".join(parts)


def draw(family: dict, title: str, description: str | None = None,
         id_prefix: str = "genogram", max_width: float | None = None) -> str:
    """The genogram as a standalone SVG element (no scripts, no external references, no
    style sheet: presentation attributes only, which a strict Content-Security-Policy
    allows), with role="img", a title and a description that name it for screen readers.
    ``max_width`` scales a wider drawing down to fit (a printed page)."""
    tree = build_tree(family)
    width, height = layout(tree)
    partnerships = list(tree.partnerships)
    paired = {frozenset((a, b)) for a, b, _s in partnerships}
    families = _families(tree)
    # Two parents not recorded as partners are still joined, by a dotted line.
    for parents in families:
        if len(parents) == 2 and frozenset(parents) not in paired:
            partnerships.append((parents[0], parents[1], "unrecorded"))
            paired.add(frozenset(parents))
    lines, middles = [], {}
    for a, b, status in partnerships:
        markup, middle, low = _partnership_svg(tree, a, b, status)
        lines.append(markup)
        middles[frozenset((a, b))] = (middle, low)
    for parents, children in families.items():
        if len(parents) == 2:
            top_x, top_y = middles[frozenset(parents)]
        else:
            parent = tree.people[parents[0]]
            top_x, top_y = parent.x, parent.y + SYMBOL / 2
        child_top = min(c.y for c in children) - SYMBOL / 2 - (5 if any(
            c.subject_child for c in children) else 0)
        bar_y = child_top - 22
        xs = [c.x for c in children] + [top_x]
        parts = [f'<g class="descent"{_attrs(data_parents=" ".join(map(str, parents)))}>',
                 f'<line class="descent-line"{_attrs(x1=_fmt(top_x), y1=_fmt(top_y))}'
                 f'{_attrs(x2=_fmt(top_x), y2=_fmt(bar_y))}/>',
                 f'<line class="sibling-bar"{_attrs(x1=_fmt(min(xs)), y1=_fmt(bar_y))}'
                 f'{_attrs(x2=_fmt(max(xs)), y2=_fmt(bar_y))}/>']
        for child in children:
            top = child.y - SYMBOL / 2 - (5 if child.subject_child else 0)
            parts.append(f'<line class="child-line"{_attrs(data_child=child.id)}'
                         f'{_attrs(x1=_fmt(child.x), y1=_fmt(bar_y))}'
                         f'{_attrs(x2=_fmt(child.x), y2=_fmt(top))}/>')
        parts.append("</g>")
        lines.append("".join(parts))
    people = [_person_svg(p) for p in sorted(tree.people.values(), key=lambda p: p.order)]
    if description is None:
        description = describe(tree)
    return svg_element("genogram", id_prefix, title, description, width, height, max_width,
                _household_boundary(tree)
                + f'<g class="lines" fill="none" stroke="#0b0c0c" stroke-width="2">'
                f'{"".join(lines)}</g>'
                f'<g class="people" font-family="Arial, Helvetica, sans-serif" '
                f'font-size="12" text-anchor="middle" fill="#0b0c0c">{"".join(people)}</g>')


def svg_element(css: str, id_prefix: str, title: str, description: str, width: float,
         height: float, max_width: float | None, body: str) -> str:
    scale = min(1.0, max_width / width) if max_width else 1.0
    title_id, desc_id = f"{id_prefix}-title", f"{id_prefix}-desc"
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="{css}" role="img"'
        f'{_attrs(aria_labelledby=f"{title_id} {desc_id}")}'
        f'{_attrs(width=_fmt(width * scale), height=_fmt(height * scale))}'
        f' viewBox="0 0 {_fmt(width)} {_fmt(height)}">'
        f'<title id="{title_id}">{escape(title)}</title>'
        f'<desc id="{desc_id}">{escape(description)}</desc>'
        f'{body}</svg>')


def describe(tree: Tree) -> str:
    count = len(tree.people)
    if not count:
        return "No one is recorded in the family tree."
    generations = len({p.generation for p in tree.people.values()})
    home = sum(1 for p in tree.people.values() if p.in_household)
    return (f"{count} {'person' if count == 1 else 'people'} over {generations} "
            f"generation{'s' if generations != 1 else ''}, {home} of them in the household. "
            "Squares are males, circles females, diamonds people whose sex is not "
            "recorded; a cross marks someone who has died; a double outline marks the child "
            "the assessment is about; one slash across partners' line is a separation, two "
            "a divorce; a dashed line surrounds the household. Each person is also listed "
            "in words.")


# --- the tree in words ---

def _join(names: list[str]) -> str:
    if len(names) <= 1:
        return "".join(names)
    return ", ".join(names[:-1]) + " and " + names[-1]


def text_list(family: dict) -> list[str]:
    """One sentence per person, in the order they were recorded: "Jo Smith (female, born
    1960, died 2019): mother of Amy Smith; married to Pat Smith"."""
    tree = build_tree(family)
    sentences = []
    for person in sorted(tree.people.values(), key=lambda p: p.order):
        facts = [SEXES[person.sex].lower() if person.sex != "unknown" else "sex not recorded"]
        if person.birth_year:
            facts.append(f"born {person.birth_year}")
        if person.died:
            facts.append(f"died {person.died_year}" if person.died_year else "died")
        if person.in_household:
            facts.append("lives in the household")
        if person.subject_child:
            facts.append("the child this assessment is about")
        links = []
        if person.parents:
            links.append(f"{_words('child', person.sex)} of "
                         f"{_join([tree.name(p) for p in person.parents])}")
        by_word: dict[str, list[str]] = {}
        for child_id in sorted(person.children,
                               key=lambda c: _sibling_key(tree, tree.people[c])):
            by_word.setdefault(_words("parent", person.sex), []).append(tree.name(child_id))
        for word, names in by_word.items():
            links.append(f"{word} of {_join(names)}")
        for partner_id, status in person.partners:
            links.append(f"{PARTNER_WORDS[status]} {tree.name(partner_id)}")
        siblings, halves = [], []
        for other in sorted(tree.people.values(), key=lambda p: _sibling_key(tree, p)):
            if other.id == person.id or not person.parents or not other.parents:
                continue
            shared = set(person.parents) & set(other.parents)
            if not shared:
                continue
            if set(person.parents) == set(other.parents):
                siblings.append(other.name)
            else:
                halves.append(other.name)
        if siblings:
            links.append(f"{_words('sibling', person.sex)} of {_join(siblings)}")
        if halves:
            links.append(f"{_words('half_sibling', person.sex)} of {_join(halves)}")
        sentence = f"{person.name} ({', '.join(facts)})"
        if links:
            sentence += ": " + "; ".join(links)
        sentences.append(sentence)
    return sentences
