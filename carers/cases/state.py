"""Between the case row and the plain-Python pipeline: build a CaseState, write changes back."""

import dataclasses
from datetime import date

from carers.pipeline import CaseState, ChildDetails, Pathway, Recommendation, Stage, case_clocks

_DATE_FIELDS = [f.name for f in dataclasses.fields(CaseState)
                if f.name not in {"pathway", "stage", "child", "recommendation",
                                  "reg24_extension_weeks", "withdrawal_code"}]


def case_state(household) -> CaseState:
    child = None
    if household.pathway == Pathway.CONNECTED_PERSON:
        child = ChildDetails(
            name=household.child_name or "",
            date_of_birth=household.child_date_of_birth,
            la_reference=household.child_la_reference or "",
            relationship=household.child_relationship or "",
            placed_on=household.child_placed_on,
            placing_authority=household.child_placing_authority or "",
            first_review_on=household.child_first_review_on,
        )
    return CaseState(
        pathway=Pathway(household.pathway),
        stage=Stage(household.stage),
        child=child,
        recommendation=Recommendation(household.recommendation)
        if household.recommendation else None,
        reg24_extension_weeks=household.reg24_extension_weeks,
        withdrawal_code=household.withdrawal_code,
        **{name: getattr(household, name) for name in _DATE_FIELDS},
    )


def write_changes(household, changes: dict) -> None:
    for name, value in changes.items():
        if isinstance(value, ChildDetails):
            write_child(household, value)
            continue
        if isinstance(value, Stage | Pathway | Recommendation):
            value = value.value
        setattr(household, name, value)


def write_child(household, child: ChildDetails) -> None:
    household.child_name = child.name
    household.child_date_of_birth = child.date_of_birth
    household.child_la_reference = child.la_reference
    household.child_relationship = child.relationship
    household.child_placed_on = child.placed_on
    household.child_placing_authority = child.placing_authority or None
    household.child_first_review_on = child.first_review_on


def next_due(household, today: date, settings) -> tuple[date | None, str | None]:
    """The earliest running (unmet) clock: stored on the row for sorting and filtering."""
    running = [c for c in case_clocks(case_state(household), today, settings) if c.is_open]
    if not running:
        return None, None
    first = min(running, key=lambda c: c.due)
    return first.due, first.label
