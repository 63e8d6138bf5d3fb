"""The Ofsted return as tables: each figure a link to the households it counts."""

from __future__ import annotations

from carers.figures import ofsted
from carers.figures.grids import Cell, Grid, number
from carers.figures.measures import Scope
from carers.pipeline.stages import Pathway


def return_grids(year: int, scope: Scope, link) -> list[Grid]:
    grids = []
    for pathway in Pathway:
        counts = ofsted.recruitment(year, pathway, scope)
        grid = Grid(f"recruitment_{pathway.value}", f"{pathway.label}: recruitment",
                    ["Figure", "Number"])
        for figure in ofsted.figures():
            href = link(figure="ofsted", year=year, step_pathway=pathway.value,
                        key=figure.key)
            words = f"– {figure.label}" if figure.indent else figure.label
            grid.rows.append([Cell(words), number(counts[figure.key], href)])
        carers = ofsted.approved_carers(year, pathway, scope)
        households = link(figure="ofsted", year=year, step_pathway=pathway.value,
                          key="households")
        grid.rows.append([Cell("Carers approved at 31 March"),
                          number(carers["carers"], households)])
        grid.rows.append([Cell("Places approved at 31 March"),
                          number(carers["places"], households)])
        grid.rows.append([Cell("– Approved households with no terms of approval recorded"),
                          number(carers["no_terms"])])
        grids.append(grid)
        people = Grid(f"carers_{pathway.value}",
                      f"{pathway.label}: carers approved at 31 March",
                      ["Characteristic", "Value", "Carers"], numeric_from=2)
        for characteristic, counted in carers["characteristics"]:
            for words, n in counted:
                people.rows.append([Cell(characteristic.label), Cell(words), number(n)])
        grids.append(people)
    return grids
