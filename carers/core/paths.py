"""Where the code finds its own folders: templates, migrations and the instance folder."""

import os

PACKAGE = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
# An installed package carries the top-level templates/ and migrations/ inside it (setup.py
# copies them in as _templates and _migrations); a source checkout reads them where they are.
INSTALLED = os.path.isdir(os.path.join(PACKAGE, "_templates"))
SOURCE_ROOT = os.path.dirname(PACKAGE)


def shipped(name: str) -> str:
    """The path of a top-level folder of the source tree (templates, migrations)."""
    return os.path.join(PACKAGE, f"_{name}") if INSTALLED else os.path.join(SOURCE_ROOT, name)


def instance_path() -> str | None:
    """instance/ beside the code in a checkout; CARERS_INSTANCE_PATH or Flask's own choice
    (``<prefix>/var/carers-instance``) for an installed package."""
    if os.environ.get("CARERS_INSTANCE_PATH"):
        return os.path.abspath(os.environ["CARERS_INSTANCE_PATH"])
    return None if INSTALLED else os.path.join(SOURCE_ROOT, "instance")
