"""The hash chain over the audit trail: each entry's hash covers its content and the hash of
the entry before it, so editing, removing or reordering an entry shows at that entry."""

from __future__ import annotations

import hashlib
import hmac
import itertools
import json
from dataclasses import dataclass
from datetime import UTC, datetime

from flask import current_app
from sqlalchemy import event as orm_event
from sqlalchemy import insert, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from carers.audit.models import AuditChain, AuditEvent
from carers.core.dates import utcnow
from carers.extensions import db

GENESIS = "0" * 64
HEAD_ID = 1


def _moment(at: datetime) -> str:
    if at.tzinfo is not None:
        at = at.astimezone(UTC).replace(tzinfo=None)
    return at.isoformat(timespec="microseconds")


def normal_detail(detail):
    """The detail as it reads back from the database (JSON keys are strings)."""
    return None if detail is None else json.loads(json.dumps(detail, default=str))


def link_hash(seq: int, at: datetime, user_id, action, object_type, object_id, ip_address,
              detail, prev_hash: str) -> str:
    content = json.dumps([seq, _moment(at), user_id, action, object_type, object_id,
                          ip_address, detail, prev_hash], sort_keys=True,
                         separators=(",", ":"), ensure_ascii=False)
    return hashlib.sha256(content.encode()).hexdigest()


def event_hash(e: AuditEvent) -> str:
    return link_hash(e.seq, e.at, e.user_id, e.action, e.object_type, e.object_id,
                     e.ip_address, e.detail, e.prev_hash)


def anchor_key() -> bytes:
    """AUDIT_ANCHOR_KEY, or a key derived from SECRET_KEY: never stored in the database."""
    configured = current_app.config.get("AUDIT_ANCHOR_KEY")
    if configured:
        return configured.encode() if isinstance(configured, str) else configured
    secret = current_app.config["SECRET_KEY"]
    secret = secret.encode() if isinstance(secret, str) else secret
    return hmac.new(secret, b"carers audit chain head", hashlib.sha256).digest()


def head_mac(seq: int, last_hash: str) -> str:
    return hmac.new(anchor_key(), f"{seq}:{last_hash}".encode(), hashlib.sha256).hexdigest()


def claim_link(connection) -> tuple[int, str]:
    """Take the next place in the chain. The UPDATE locks the head row until the transaction
    ends (a row lock on PostgreSQL, the write lock on SQLite)."""
    for _ in range(2):
        row = connection.execute(
            update(AuditChain).where(AuditChain.id == HEAD_ID)
            .values(seq=AuditChain.seq + 1)
            .returning(AuditChain.seq, AuditChain.last_hash)).first()
        if row is not None:
            return row.seq, row.last_hash
        # No head yet (a new database): make it, once, whoever gets there first.
        try:
            with connection.begin_nested():
                connection.execute(insert(AuditChain).values(
                    id=HEAD_ID, seq=0, last_hash=GENESIS))
        except IntegrityError:
            pass
    raise RuntimeError("The audit chain head could not be claimed")


_order = itertools.count()


def append(entry: AuditEvent) -> AuditEvent:
    """Add ``event`` to the caller's transaction. It takes its place in the chain when the
    transaction is flushed (see ``_chain_new_entries``), so the head row stays locked only
    from then until the commit."""
    entry.detail = normal_detail(entry.detail)
    entry._chain_order = next(_order)
    db.session.add(entry)
    return entry


@orm_event.listens_for(Session, "before_flush")
def _chain_new_entries(session, flush_context, instances):
    new = [obj for obj in session.new if isinstance(obj, AuditEvent) and obj.seq is None]
    if not new:
        return
    connection = session.connection()
    for entry in sorted(new, key=lambda e: getattr(e, "_chain_order", 0)):
        entry.detail = normal_detail(entry.detail)
        if entry.at is None:
            entry.at = utcnow()
        entry.seq, entry.prev_hash = claim_link(connection)
        entry.hash = event_hash(entry)
        connection.execute(update(AuditChain).where(AuditChain.id == HEAD_ID)
                           .values(last_hash=entry.hash,
                                   head_mac=head_mac(entry.seq, entry.hash)))


@dataclass
class Verdict:
    ok: bool
    checked: int
    entry_id: int | None = None
    seq: int | None = None
    reason: str = ""

    def message(self) -> str:
        if self.ok:
            return f"Audit trail intact: {self.checked} entries checked."
        return (f"Audit trail altered at entry {self.entry_id} (position {self.seq}): "
                f"{self.reason}. {self.checked} entries before it are intact.")


def verify(batch: int = 1000) -> Verdict:
    """Walk the chain from the start; stop at the first entry that does not fit."""
    prev, expected, checked, last = GENESIS, 1, 0, None
    query = select(AuditEvent).order_by(AuditEvent.seq).execution_options(yield_per=batch)
    unchained = db.session.scalar(select(AuditEvent.id).where(AuditEvent.seq.is_(None))
                                  .order_by(AuditEvent.id).limit(1))
    for event in db.session.scalars(query):
        if event.seq is None:
            continue
        if event.seq != expected:
            return Verdict(False, checked, event.id, event.seq,
                           f"entries before it are missing (expected position {expected})")
        if event.prev_hash != prev:
            return Verdict(False, checked, event.id, event.seq,
                           "it does not follow the entry before it")
        if event_hash(event) != event.hash:
            return Verdict(False, checked, event.id, event.seq, "its content was changed")
        prev, expected, checked, last = event.hash, expected + 1, checked + 1, event
        db.session.expunge(event)
    if unchained is not None:
        return Verdict(False, checked, unchained, None, "it is outside the chain")
    head = db.session.get(AuditChain, HEAD_ID)
    if head is not None and (head.seq != checked or head.last_hash != prev):
        return Verdict(False, checked, None, head.seq,
                       "entries at the end of the trail are missing")
    if head is None and last is not None:
        return Verdict(False, checked, None, None, "the chain's head is missing")
    if head is not None and head.seq and not (
            head.head_mac and hmac.compare_digest(head.head_mac,
                                                  head_mac(head.seq, head.last_hash))):
        return Verdict(False, checked, None, head.seq,
                       "the chain's head is not sealed with the service's key, so it was set "
                       "outside the service (entries at the end may have been removed)")
    return Verdict(True, checked)


def seal_head() -> Verdict:
    """Seal the head as it is now, after checking the whole chain: once after upgrading to a
    sealed head, or after changing AUDIT_ANCHOR_KEY."""
    verdict = verify()
    if not verdict.ok and "not sealed" not in verdict.reason:
        return verdict
    head = db.session.get(AuditChain, HEAD_ID)
    if head is not None:
        head.head_mac = head_mac(head.seq, head.last_hash)
        db.session.commit()
    return verify()
