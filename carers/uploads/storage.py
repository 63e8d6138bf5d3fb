"""Where uploaded files live: in the database, one ``stored_file`` row each, under a random
key. The applicant's own file name is never part of a key.

Why the database and not a folder or an object store:

- one backup (the database's) covers everything: a restore never finds rows naming files
  that are not there, or files no row names;
- the file's row and the row that names it are written in one transaction, so a failed
  upload (or a rolled back erasure) leaves nothing behind, and every process on every
  machine sees the same files with no shared disk;
- no extra service to run, secure and back up. A council's documents are small (10 MB at
  most each; see ``UPLOAD_MAX_MB``), well within what PostgreSQL keeps comfortably.

The interface is three calls, narrow on purpose so that another store (an S3-compatible
bucket, say) could implement it later: ``save(data) -> key``, ``read(key) -> bytes`` and
``remove(key)``. ``save`` and ``remove`` take part in the caller's transaction (they add to
the session and never commit): the caller's commit keeps them, its rollback undoes them.
"""

import hashlib
import secrets

from sqlalchemy import delete, select

from carers.core.dates import utcnow
from carers.extensions import db
from carers.uploads.models import StoredFile

# The key: random, so it says nothing and cannot be guessed or steered.
NAME_BYTES = 16


class Missing(LookupError):
    """No stored file has that key."""


def new_name() -> str:
    return secrets.token_hex(NAME_BYTES)


def save(data: bytes) -> str:
    """Keep ``data`` under a new random key, in the caller's transaction; returns the key."""
    key = new_name()
    db.session.add(StoredFile(key=key, content=bytes(data), size=len(data),
                              sha256=hashlib.sha256(data).hexdigest(), created_at=utcnow()))
    db.session.flush()
    return key


def read(key: str) -> bytes:
    """The bytes kept under ``key``; Missing if there are none."""
    content = db.session.scalar(select(StoredFile.content).where(StoredFile.key == key))
    if content is None:
        raise Missing(key)
    return bytes(content)


def remove(key: str) -> None:
    """Forget the file under ``key`` (nothing if there is none), in the caller's
    transaction."""
    db.session.execute(delete(StoredFile).where(StoredFile.key == key)
                       .execution_options(synchronize_session=False))
