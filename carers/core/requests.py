"""The request class: a body without a file is limited far below an upload's limit."""

from flask import Request, current_app


class CarersRequest(Request):
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
