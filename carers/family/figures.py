"""The family tree and ecomap as the assessment report uses them: the facts as plain JSON
(a signed-off report keeps them as they were) and the figures ready to include in a report's
HTML or PDF."""

from __future__ import annotations

from markupsafe import Markup, escape

from carers.family import ecomap, genogram, queries


def family_facts(household) -> dict:
    """The case's family tree and ecomap as plain JSON."""
    return {
        "household": household.name,
        "people": [{
            "id": p.id, "name": p.name, "sex": p.sex, "birth_year": p.birth_year,
            "died": p.died, "died_year": p.died_year, "in_household": p.in_household,
            "subject_child": p.subject_child,
        } for p in queries.people(household)],
        "relationships": [{
            "kind": link.kind, "from": link.from_person_id, "to": link.to_person_id,
            "status": link.status,
        } for link in queries.links(household)],
        "ecomap": [{"name": e.name, "kind": e.kind, "strength": e.strength}
                   for e in queries.ecomap_entries(household)],
    }


def has_family(family: dict | None) -> bool:
    return bool(family and (family.get("people") or family.get("ecomap")))


# The width of an A4 page's text, in CSS pixels: a wider drawing is scaled down to it.
PAGE_WIDTH = 640


def genogram_svg(family: dict, id_prefix: str = "genogram",
                 max_width: float | None = None) -> Markup:
    name = family.get("household") or "the household"
    # Built from escaped parts by carers.family.genogram: no markup typed by anyone.
    return Markup(genogram.draw(  # noqa: S704
        family, f"Family tree (genogram) of {name}", id_prefix=id_prefix,
        max_width=max_width))


def ecomap_svg(family: dict, id_prefix: str = "ecomap",
               max_width: float | None = None) -> Markup:
    name = family.get("household") or "the household"
    return Markup(ecomap.draw(  # noqa: S704
        family, f"Ecomap of {name}", centre_label=name, id_prefix=id_prefix,
        max_width=max_width))


def _list(sentences: list[str], css: str) -> str:
    items = "".join(f"<li>{escape(s)}</li>" for s in sentences)
    return f'<ul class="{css}">{items}</ul>'


def figures_html(family: dict | None, id_prefix: str = "report") -> Markup:
    """The genogram and the ecomap, each in a <figure> with its caption and the same figure
    in words beside it, for an HTML report or its PDF."""
    if not has_family(family):
        return Markup('<p class="family-none">No family tree recorded.</p>')
    parts = []
    if family.get("people"):
        parts.append(
            '<figure class="family-figure genogram-figure">'
            f'{genogram_svg(family, f"{id_prefix}-genogram", PAGE_WIDTH)}'
            '<figcaption>Family tree (genogram). Squares are males, circles females, '
            'diamonds people whose sex is not recorded; a cross marks someone who has died; '
            'a double outline marks the child the assessment is about; one slash across '
            'the partners\' line is a separation, two a divorce; a dashed line surrounds '
            'the people who live in the household.</figcaption></figure>'
            '<p class="family-list-heading">The family tree in words</p>'
            + _list(genogram.text_list(family), "family-list"))
    if family.get("ecomap"):
        parts.append(
            '<figure class="family-figure ecomap-figure">'
            f'{ecomap_svg(family, f"{id_prefix}-ecomap", PAGE_WIDTH * 0.75)}'
            '<figcaption>Ecomap. A thick line is a strong connection, a thin line a '
            'moderate one, a dashed line a tenuous one and a zig-zag line a stressful '
            'one.</figcaption></figure>'
            '<p class="family-list-heading">The ecomap in words</p>'
            + _list(ecomap.text_list(family), "family-list"))
    return Markup("".join(parts))  # noqa: S704
