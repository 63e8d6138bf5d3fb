"""Panel rules as plain Python: roles, quorum, the papers-due date, the access window, and
the applicant's response to a qualifying determination (representations or the IRM).

Quorum (FSR 24) is unverified in docs/domain.md section 3 ([U]): the 2011 wording was not
retrieved, so every figure of the rule is an agency setting whose default is the old 2002
rule (5 members including the chair or a vice chair, a social worker and 2 independent
members). Advisers and the minute taker attend but are not members for quorum.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from carers.clocks.statutory import PANEL_PAPERS_WORKING_DAYS, clock_setting
from carers.clocks.words import plural
from carers.clocks.workdays import add_working_days, fmt_day

__all__ = [
    "IRM_RECOMMENDATIONS",
    "ON_THE_PANEL_LIST",
    "PANEL_DEFAULTS",
    "SOCIAL_WORKER_MEMBER_YEARS",
    "PanelRole",
    "Quorum",
    "ResponseKind",
    "access_ends_on",
    "can_see_meeting",
    "considered_text",
    "departs_from_irm",
    "irm_papers_problems",
    "irm_recommendation_problems",
    "leaves_panel_list",
    "response_problems",
    "response_window_closes",
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


# --- taking a case off the panel list ---

# The stages in which a case is on the panel's list: booked for a meeting, or heard by one.
ON_THE_PANEL_LIST = frozenset({"ready_for_panel", "panel_recommended"})
# Where a case on the list goes in the ordinary course: the panel recommends, then the
# recommendation goes to the agency decision maker.
_ONWARD = frozenset({"panel_recommended", "agency_decision"})


def leaves_panel_list(from_stage: str, to_stage: str) -> bool:
    """Whether a move takes a case off the panel list other than by the panel's own
    recommendation: withdrawn, closed, or taken back into assessment. Its place on the
    agenda of every meeting that has not heard it goes, and so do members' papers."""
    return from_stage in ON_THE_PANEL_LIST and to_stage not in ON_THE_PANEL_LIST | _ONWARD


# --- the applicant's response to a qualifying determination ---

class ResponseKind(StrEnum):
    REPRESENTATIONS = "representations"
    IRM = "irm"

    @property
    def label(self) -> str:
        return {"representations": "Written representations to the decision maker",
                "irm": "Application to the Independent Review Mechanism (IRM)"}[self.value]


IRM_RECOMMENDATIONS = {"suitable": "Suitable to foster", "not_suitable": "Not suitable to foster"}


def response_window_closes(qd_issued_on: date, settings: Mapping[str, object] | None = None,
                           ) -> date:
    """The last day the applicant may make representations or apply to the IRM."""
    return qd_issued_on + timedelta(days=clock_setting(settings, "qd_response_days"))


def response_problems(kind: str | None, qd_issued_on: date | None, received_on: date | None,
                      today: date, summary: str = "", already: str | None = None,
                      settings: Mapping[str, object] | None = None) -> list[str]:
    """Why the applicant's response (representations received, or the date they applied to
    the IRM) cannot be recorded. They may do one, not both, within the window."""
    if qd_issued_on is None:
        return ["There is no qualifying determination on this case to respond to."]
    if already is not None:
        return [f"The applicant's response is already recorded: {ResponseKind(already).label}. "
                "They may make representations or apply to the IRM, not both."]
    found = []
    if kind not in set(ResponseKind):
        found.append("Choose what the applicant did.")
    if received_on is None:
        found.append("Enter the date.")
    elif received_on > today:
        found.append(f"The date {fmt_day(received_on)} is in the future.")
    elif received_on < qd_issued_on:
        found.append(f"The date {fmt_day(received_on)} is before the qualifying determination "
                     f"of {fmt_day(qd_issued_on)}.")
    else:
        closes = response_window_closes(qd_issued_on, settings)
        if received_on > closes:
            days = plural(clock_setting(settings, "qd_response_days"), "day")
            found.append(f"The applicant had until {fmt_day(closes)} ({days} from the "
                         "qualifying determination) to respond; a response on "
                         f"{fmt_day(received_on)} is too late to record. The decision maker "
                         "can make the final decision now.")
    if kind == ResponseKind.REPRESENTATIONS and not summary.strip():
        found.append("Summarise what the applicant said in their representations.")
    return found


def irm_papers_problems(applied_on: date, sent_on: date | None, today: date) -> list[str]:
    if sent_on is None:
        return ["Enter the date the papers were sent to the IRM."]
    if sent_on > today:
        return [f"The date {fmt_day(sent_on)} is in the future."]
    if sent_on < applied_on:
        return [f"The date {fmt_day(sent_on)} is before the applicant applied to the IRM on "
                f"{fmt_day(applied_on)}."]
    return []


def irm_recommendation_problems(applied_on: date, papers_sent_on: date | None,
                                on: date | None, today: date, recommendation: str | None,
                                reasons: str) -> list[str]:
    if papers_sent_on is None:
        return ["Record the date the papers were sent to the IRM first."]
    found = []
    if on is None:
        found.append("Enter the date of the IRM panel's recommendation.")
    elif on > today:
        found.append(f"The date {fmt_day(on)} is in the future.")
    elif on < papers_sent_on:
        found.append(f"The date {fmt_day(on)} is before the papers were sent to the IRM on "
                     f"{fmt_day(papers_sent_on)}.")
    if recommendation not in IRM_RECOMMENDATIONS:
        found.append("Choose the IRM panel's recommendation.")
    if not reasons.strip():
        found.append("Enter the IRM panel's reasons.")
    return found


def departs_from_irm(decision_kind: str, irm_recommendation: str | None) -> bool:
    """A final decision that goes against the IRM panel's recommendation (approving someone
    it found not suitable, or refusing someone it found suitable) needs the reasons."""
    if irm_recommendation == "suitable":
        return decision_kind == "not_approve"
    if irm_recommendation == "not_suitable":
        return decision_kind == "approve"
    return False


def considered_text(kind: str | None, received_on: date | None,
                    irm_recommended_on: date | None,
                    fmt: Callable[[date], str] = fmt_day) -> str:
    """What the final decision considered beyond the panel, as the letter and the decision
    record cite it (dates written by ``fmt``); empty when the applicant did not respond."""
    if kind == ResponseKind.REPRESENTATIONS and received_on:
        return f"the written representations received on {fmt(received_on)}"
    if kind == ResponseKind.IRM and irm_recommended_on:
        return f"the IRM panel's recommendation of {fmt(irm_recommended_on)}"
    return ""
