"""Panel rules as plain Python: roles, quorum, the papers-due date and the access window.

Quorum (FSR 24) is unverified in docs/domain.md section 3 ([U]): the 2011 wording was not
retrieved, so every figure of the rule is an agency setting whose default is the old 2002
rule (5 members including the chair or a vice chair, a social worker and 2 independent
members). Advisers and the minute taker attend but are not members for quorum.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from carers.clocks.statutory import PANEL_PAPERS_WORKING_DAYS
from carers.clocks.words import plural
from carers.clocks.workdays import add_working_days

__all__ = [
    "PANEL_DEFAULTS",
    "SOCIAL_WORKER_MEMBER_YEARS",
    "PanelRole",
    "Quorum",
    "access_ends_on",
    "can_see_meeting",
    "panel_setting",
    "papers_due_on",
    "papers_fingerprint",
    "quorum",
]


class PanelRole(StrEnum):
    CHAIR = "chair"
    VICE_CHAIR = "vice_chair"
    SOCIAL_WORKER = "social_worker"
    INDEPENDENT = "independent"
    MEDICAL_ADVISER = "medical_adviser"
    PANEL_ADVISER = "panel_adviser"
    MINUTE_TAKER = "minute_taker"

    @property
    def label(self) -> str:
        return _ROLE_LABELS[self]

    @property
    def counts_for_quorum(self) -> bool:
        return self in {PanelRole.CHAIR, PanelRole.VICE_CHAIR, PanelRole.SOCIAL_WORKER,
                        PanelRole.INDEPENDENT}

    @property
    def chairs(self) -> bool:
        return self in {PanelRole.CHAIR, PanelRole.VICE_CHAIR}


_ROLE_LABELS = {
    PanelRole.CHAIR: "Independent chair",
    PanelRole.VICE_CHAIR: "Vice chair",
    PanelRole.SOCIAL_WORKER: "Social worker member",
    PanelRole.INDEPENDENT: "Independent member",
    PanelRole.MEDICAL_ADVISER: "Medical adviser",
    PanelRole.PANEL_ADVISER: "Panel adviser",
    PanelRole.MINUTE_TAKER: "Minute taker",
}

# [V] FSR 2011 reg 23: a social worker member has at least 3 years' post-qualifying experience.
SOCIAL_WORKER_MEMBER_YEARS = 3


@dataclass(frozen=True)
class PanelSetting:
    default: int
    label: str
    evidence: str
    hint: str
    minimum: int = 0


PANEL_DEFAULTS: dict[str, PanelSetting] = {
    "panel_quorum_members": PanelSetting(
        5, "Panel quorum: members present (advisers and minute taker not counted)", "[U]",
        "FSR 24 (2011) wording not retrieved; 5 was the 2002 rule.", minimum=1),
    "panel_quorum_chairs": PanelSetting(
        1, "Panel quorum: chair or vice chair present", "[U]",
        "1 means the chair or a vice chair must attend; 0 means not required."),
    "panel_quorum_social_workers": PanelSetting(
        1, "Panel quorum: social worker members present", "[U]",
        "The 2002 rule asked for a social worker among the members."),
    "panel_quorum_independent": PanelSetting(
        2, "Panel quorum: independent members present", "[U]",
        "The 2002 rule asked for 2 independent members."),
    "panel_access_days": PanelSetting(
        30, "Days after a meeting that panel members can still read its papers", "product",
        "After this, invited members no longer see the meeting, its pack or its reports."),
}


def panel_setting(settings: Mapping[str, object] | None, key: str) -> int:
    value = (settings or {}).get(key, PANEL_DEFAULTS[key].default)
    if not isinstance(value, int) or isinstance(value, bool) or value < 0:
        raise ValueError(f"Panel setting {key!r} must be a whole number of 0 or more.")
    return value


@dataclass(frozen=True)
class Quorum:
    met: bool
    members: int
    problems: tuple[str, ...]


def quorum(roles: Iterable[PanelRole], settings: Mapping[str, object] | None = None) -> Quorum:
    """Whether the members attending (their panel roles) make a quorum, and if not, why."""
    roles = [PanelRole(r) for r in roles]
    voting = [r for r in roles if r.counts_for_quorum]
    need_members = panel_setting(settings, "panel_quorum_members")
    need_chairs = panel_setting(settings, "panel_quorum_chairs")
    need_sw = panel_setting(settings, "panel_quorum_social_workers")
    need_ind = panel_setting(settings, "panel_quorum_independent")
    found = []
    if len(voting) < need_members:
        found.append(f"{plural(len(voting), 'member')} attending; the quorum is "
                     f"{need_members} (advisers and the minute taker do not count).")
    chairs = sum(r.chairs for r in voting)
    if chairs < need_chairs:
        found.append("Neither the chair nor a vice chair is attending.")
    sw = sum(r is PanelRole.SOCIAL_WORKER for r in voting)
    if sw < need_sw:
        found.append(f"{plural(sw, 'social worker member')} attending; the quorum needs "
                     f"{need_sw}.")
    ind = sum(r is PanelRole.INDEPENDENT for r in voting)
    if ind < need_ind:
        found.append(f"{plural(ind, 'independent member')} attending; the quorum needs "
                     f"{need_ind}.")
    return Quorum(not found, len(voting), tuple(found))


def papers_due_on(meeting_on: date) -> date:
    """Papers reach members at least 5 working days before the meeting (NMS 14.3)."""
    return add_working_days(meeting_on, -PANEL_PAPERS_WORKING_DAYS)


def access_ends_on(meeting_on: date, settings: Mapping[str, object] | None = None) -> date:
    """The last day invited members can read the meeting's papers."""
    return meeting_on + timedelta(days=panel_setting(settings, "panel_access_days"))


def can_see_meeting(invited: bool, meeting_on: date, today: date,
                    settings: Mapping[str, object] | None = None) -> bool:
    return invited and today <= access_ends_on(meeting_on, settings)


def papers_fingerprint(sha256_hex: str) -> str:
    """The short form of the papers' SHA-256 printed on every copy of a pack: two copies
    showing the same fingerprint hold the same papers."""
    return " ".join(sha256_hex[i:i + 4] for i in range(0, 12, 4))
