"""Where uploaded files live: a folder outside the web root (``UPLOAD_FOLDER``, by default
``uploads`` in the instance folder), each file under a random name. The applicant's own file
name is never part of a path."""

import contextlib
import os
import secrets

from flask import current_app

# The stored name: random, so it says nothing and cannot be guessed or steered.
NAME_BYTES = 16


def folder() -> str:
    path = current_app.config.get("UPLOAD_FOLDER") or os.path.join(
        current_app.instance_path, "uploads")
    os.makedirs(path, mode=0o700, exist_ok=True)
    return path


def new_name() -> str:
    return secrets.token_hex(NAME_BYTES)


def path_of(stored_name: str) -> str:
    # Stored names are ours (hex), but check: nothing read from the database leaves the folder.
    if not stored_name or not all(c in "0123456789abcdef" for c in stored_name):
        raise ValueError("not a stored file's name")
    return os.path.join(folder(), stored_name)


def save(data: bytes) -> str:
    """Write ``data`` under a new random name (never over another file); returns the name."""
    while True:
        name = new_name()
        try:
            with open(path_of(name), "xb") as out:
                out.write(data)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(path_of(name), 0o600)
            return name
        except FileExistsError:
            continue


def remove(stored_name: str) -> None:
    with contextlib.suppress(FileNotFoundError, ValueError):
        os.remove(path_of(stored_name))


