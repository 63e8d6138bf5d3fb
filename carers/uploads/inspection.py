"""What an uploaded file really is, from its content alone (never its name or the type the
browser claims), and whether it is safe to keep: a PDF, JPEG, PNG or Word (.docx) file, not
empty, and a PDF with no JavaScript, launch actions or files embedded in it.

Plain Python and pypdf: no Flask or database. ``inspect`` returns the detected content type
or raises ``Unacceptable`` with a sentence about the file (``{name}`` is its name)."""

from __future__ import annotations

import io
import re
import zipfile

from pypdf import PdfReader
from pypdf.generic import ArrayObject, DictionaryObject, IndirectObject, NameObject

PDF = "application/pdf"
JPEG = "image/jpeg"
PNG = "image/png"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
EXTENSIONS = {PDF: "pdf", JPEG: "jpg", PNG: "png", DOCX: "docx"}
LABELS = {PDF: "PDF", JPEG: "JPEG image", PNG: "PNG image", DOCX: "Word document"}

# The main part of a Word document, as [Content_Types].xml declares it. A macro-enabled
# document (.docm) or a template (.dotx) declares another type and is refused.
DOCX_MAIN = b"application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
# Bounds on opening a ZIP: how many entries, and how much of [Content_Types].xml is read
# (a real one is a few kilobytes; decompressing no more than this defeats a zip bomb).
ZIP_MAX_ENTRIES = 10_000
CONTENT_TYPES_MAX_BYTES = 256 * 1024
# The PDF names that run code or carry other files. OpenAction and annotations reach
# JavaScript through /JS and /JavaScript, so those names catch them wherever they are.
PDF_SCRIPT = {"JavaScript", "JS", "Launch"}
PDF_EMBEDDED = {"EmbeddedFiles", "EmbeddedFile", "FileAttachment"}
# A bound on the objects walked in one PDF: far above any scanned letter or certificate.
PDF_MAX_OBJECTS = 200_000

NOT_ALLOWED = "{name} must be a PDF, JPEG, PNG or Word (.docx) file"
EMPTY = "{name} is empty. Choose the file again, or another copy of it"
SCRIPT = ("{name} contains JavaScript or actions that run programs, which we cannot accept. "
          "Save or scan it again as a plain PDF")
EMBEDDED = ("{name} has other files attached inside it, which we cannot accept. Save or scan "
            "it again as a plain PDF")
UNREADABLE_PDF = ("{name} could not be opened as a PDF. Check that it opens on your device, "
                  "or save or scan it again")
LOCKED = "{name} is protected with a password. Upload a copy without a password"
TOO_COMPLEX = "{name} is too complicated for us to check. Save or scan it again as a plain PDF"


def download_name(original_name: str, content_type: str) -> str:
    """The applicant's own name for a file, ending in the extension its content has (a JPEG
    sent as "scan.pdf" downloads as "scan.jpg")."""
    extension = EXTENSIONS.get(content_type, "bin")
    stem, dot, given = original_name.rpartition(".")
    if dot and given.lower() in ({extension, "jpeg"} if extension == "jpg" else {extension}):
        return original_name
    return f"{stem if dot else original_name}.{extension}"


class Unacceptable(Exception):
    """The file cannot be accepted; ``message(name)`` says why, naming the file."""

    def __init__(self, template: str):
        super().__init__(template)
        self.template = template

    def message(self, name: str) -> str:
        return self.template.format(name=name)


def inspect(data: bytes) -> str:
    """The content type ``data`` really has, if it is one we accept and safe to keep."""
    if not data:
        raise Unacceptable(EMPTY)
    if data.startswith(b"%PDF-"):
        check_pdf(data)
        return PDF
    if data.startswith(b"\xff\xd8\xff"):
        return JPEG
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return PNG
    if data.startswith(b"PK\x03\x04") and is_docx(data):
        return DOCX
    raise Unacceptable(NOT_ALLOWED)


def is_docx(data: bytes) -> bool:
    """A ZIP whose [Content_Types].xml declares a Word document's main part (and which holds
    that part), read within bounds."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            entries = archive.infolist()
            if len(entries) > ZIP_MAX_ENTRIES:
                return False
            names = {entry.filename for entry in entries}
            if "[Content_Types].xml" not in names or any(
                    name.lower().endswith("vbaproject.bin") for name in names):
                return False
            with archive.open("[Content_Types].xml") as part:
                declared = part.read(CONTENT_TYPES_MAX_BYTES + 1)
    except (zipfile.BadZipFile, zipfile.LargeZipFile, NotImplementedError, ValueError,
            OSError, EOFError, RuntimeError):
        return False  # damaged, encrypted or compressed in a way we do not read
    if len(declared) > CONTENT_TYPES_MAX_BYTES:
        return False
    for match in re.finditer(rb"<Override\b[^>]*>", declared):
        tag = match.group(0)
        if DOCX_MAIN in tag:
            part = re.search(rb'PartName\s*=\s*["\']/?([^"\']+)["\']', tag)
            return part is not None and part.group(1).decode("utf-8", "replace") in names
    return False


_PDF_NAME = re.compile(rb"/([^\s/<>\[\]()%{}]+)")
# A stream's data (page content, images, fonts), usually compressed: random bytes in it can
# look like a name, and no name in it is an instruction to the reader, so the scan skips it.
_STREAM = re.compile(rb"stream\r?\n.*?endstream", re.DOTALL)
_HEX_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")


def raw_names(data: bytes) -> set[str]:
    """Every PDF name written in the file's bytes, with #xx escapes decoded (/J#61vaScript is
    /JavaScript). Names inside compressed object streams are not seen: pypdf finds those."""
    return {_HEX_ESCAPE.sub(lambda m: bytes([int(m.group(1), 16)]), name)
            .decode("latin-1") for name in _PDF_NAME.findall(_STREAM.sub(b" ", data))}


def check_pdf(data: bytes) -> None:
    """Refuse a PDF with scripts or embedded files (a raw scan of its bytes, then every
    object pypdf reaches from the trailer: the catalog, its names tree, OpenAction, pages
    and their annotations, compressed object streams included), or one pypdf cannot read."""
    _refuse_names(raw_names(data))
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            try:
                opened = reader.decrypt("")
            except Exception:
                opened = 0
            if not opened:
                raise Unacceptable(LOCKED)
        _walk(reader.trailer)
        if len(reader.pages) < 1:
            raise Unacceptable(UNREADABLE_PDF)
    except Unacceptable:
        raise
    except Exception as error:  # pypdf raises many kinds (and RecursionError) on bad files
        raise Unacceptable(UNREADABLE_PDF) from error


def _refuse_names(names) -> None:
    names = set(names)
    if names & PDF_SCRIPT:
        raise Unacceptable(SCRIPT)
    if names & PDF_EMBEDDED:
        raise Unacceptable(EMBEDDED)


def _walk(root) -> None:
    seen: set[tuple[int, int]] = set()
    stack = [root]
    walked = 0
    while stack:
        item = stack.pop()
        if isinstance(item, IndirectObject):
            key = (item.idnum, item.generation)
            if key in seen:
                continue
            seen.add(key)
            item = item.get_object()
        walked += 1
        if walked > PDF_MAX_OBJECTS:
            raise Unacceptable(TOO_COMPLEX)
        if isinstance(item, DictionaryObject):  # streams too: their dictionaries
            values = list(dict.items(item))  # unresolved, so each object is walked once
            _refuse_names(str(key).lstrip("/") for key, _ in values)
            stack.extend(value for _, value in values)
        elif isinstance(item, ArrayObject):
            stack.extend(list.__iter__(item))
        elif isinstance(item, NameObject):
            _refuse_names([str(item).lstrip("/")])
