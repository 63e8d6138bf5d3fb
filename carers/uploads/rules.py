"""The document requests' rules: the kinds of document the team asks for and where a request
stands. Plain Python (the domain core)."""

from __future__ import annotations

from enum import StrEnum


class DocumentKind(StrEnum):
    IDENTITY = "identity"
    PROOF_OF_ADDRESS = "proof_of_address"
    DRIVING_LICENCE = "driving_licence"
    PET_INSURANCE = "pet_insurance"
    MARRIAGE_CERTIFICATE = "marriage_certificate"
    CAR_INSURANCE = "car_insurance"
    OTHER = "other"

    @property
    def label(self) -> str:
        return KIND_LABELS[self]


KIND_LABELS = {
    DocumentKind.IDENTITY: "Proof of identity (such as a passport)",
    DocumentKind.PROOF_OF_ADDRESS: "Proof of address (such as a recent bill)",
    DocumentKind.DRIVING_LICENCE: "Driving licence",
    DocumentKind.PET_INSURANCE: "Pet insurance",
    DocumentKind.MARRIAGE_CERTIFICATE: "Marriage or civil partnership certificate",
    DocumentKind.CAR_INSURANCE: "Car insurance",
    DocumentKind.OTHER: "Something else",
}


def request_title(kind: str, description: str | None) -> str:
    """What the request asks for, in a few words: the kind, or what the team described."""
    if kind == DocumentKind.OTHER:
        return description or "A document"
    try:
        return DocumentKind(kind).label
    except ValueError:
        return description or "A document"


class Status(StrEnum):
    WAITING = "waiting"  # asked for, nothing sent yet
    SENT = "sent"  # at least one file sent; the team has still to look at it
    ACCEPTED = "accepted"  # the team marked it received and accepted
    CANCELLED = "cancelled"  # no longer needed


STAFF_LABELS = {Status.WAITING: "Waiting", Status.SENT: "Sent, to check",
                Status.ACCEPTED: "Accepted", Status.CANCELLED: "Cancelled"}
APPLICANT_LABELS = {Status.WAITING: "To send", Status.SENT: "Sent",
                    Status.ACCEPTED: "Accepted", Status.CANCELLED: "No longer needed"}
TAG_CLASSES = {Status.WAITING: "govuk-tag--yellow", Status.SENT: "govuk-tag--blue",
               Status.ACCEPTED: "govuk-tag--green", Status.CANCELLED: "govuk-tag--grey"}


def request_status(*, accepted: bool, cancelled: bool, files: int) -> Status:
    if cancelled:
        return Status.CANCELLED
    if accepted:
        return Status.ACCEPTED
    return Status.SENT if files else Status.WAITING


def may_upload(status: Status) -> bool:
    """Files are sent while the request is open; an accepted or cancelled one takes no more."""
    return status in (Status.WAITING, Status.SENT)


def may_accept(status: Status) -> bool:
    """The team may accept a request once a file is in, or one that came another way (by
    post, or seen at a visit)."""
    return status in (Status.WAITING, Status.SENT)


def may_cancel(status: Status) -> bool:
    return status in (Status.WAITING, Status.SENT)
