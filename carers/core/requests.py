"""The request class: a body without a file is limited far below an upload's limit, and a
body that is not valid UTF-8 still gives its fields (see UNREADABLE)."""

import re
from urllib.parse import parse_qsl, urlsplit

from flask import Request, current_app
from werkzeug.formparser import FormDataParser

# What a byte that is not UTF-8 becomes: the form then says which answer could not be read
# and keeps every other one (see GovForm.validate).
UNREADABLE = "\ufffd"

_UNSAFE_IN_PATH = re.compile(r"[\\\x00-\x20\x7f]")


def local_path(target: str | None) -> str | None:
    """``target`` when it is a path on this site (a safe page to go on to after signing in),
    else None."""
    # Browsers read "/\\evil.example" as "//evil.example" and drop tabs and newlines, so
    # a backslash or any control character or space is refused outright.
    if target and not _UNSAFE_IN_PATH.search(target):
        parts = urlsplit(target)
        if not parts.scheme and not parts.netloc and target.startswith("/") and \
                not target.startswith("//"):
            return target
    return None


class LenientFormDataParser(FormDataParser):
    """Werkzeug drops the whole of a urlencoded body with one byte that is not UTF-8 (so even
    its CSRF token is lost and the person is told their page timed out). This parser keeps
    every field, with UNREADABLE in place of each such byte."""

    def _parse_urlencoded(self, stream, mimetype, content_length, options):
        items = parse_qsl(stream.read().decode("utf-8", "replace"), keep_blank_values=True,
                          errors="werkzeug.url_quote")
        return stream, self.cls(items), self.cls()


class CarersRequest(Request):
    form_data_parser_class = LenientFormDataParser

    @property
    def max_content_length(self) -> int | None:
        """MAX_CONTENT_LENGTH for an upload (multipart/form-data); MAX_FORM_CONTENT_LENGTH for
        any other body, so that no form field can hold megabytes. Too large: a 413 page."""
        if self._max_content_length is not None or not current_app:
            return super().max_content_length
        if self.mimetype == "multipart/form-data":
            return current_app.config["MAX_CONTENT_LENGTH"]
        return current_app.config["MAX_FORM_CONTENT_LENGTH"]

    @max_content_length.setter
    def max_content_length(self, value: int | None) -> None:
        self._max_content_length = value
