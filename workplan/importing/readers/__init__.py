"""Readers, one per format, chosen by the file's content (its name only breaks a tie).

Each turns the uploaded bytes into source lines; none of them knows what a plan is.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop as N_

from workplan.importing.document import PlanFormatError, SourceDocument
from workplan.importing.readers.pdf import read_pdf
from workplan.importing.readers.text import read_text
from workplan.importing.readers.word import read_word

# Formats people send that the importer cannot read, recognised by their first bytes.
REFUSED_MAGIC = {
    b"\xd0\xcf\x11\xe0": N_(
        "the file is an old Word (.doc) document or an encrypted Office file: "
        "save it as .docx without a password"
    ),
    b"{\\rtf": N_("the file is in RTF: save it as .docx or as text"),
    b"\x89PNG": N_("the file is an image, not a document"),
    b"\xff\xd8\xff": N_("the file is an image, not a document"),
    b"GIF8": N_("the file is an image, not a document"),
    b"Rar!": N_("the file is an archive, not a document"),
    b"\x1f\x8b": N_("the file is an archive, not a document"),
    b"7z\xbc\xaf": N_("the file is an archive, not a document"),
}


def read(data: bytes, name: str = "") -> SourceDocument:
    """The source lines of an uploaded plan document."""
    if not data.strip():
        raise PlanFormatError(1, _("the file is empty"))
    head = data[:8]
    if head.startswith(b"%PDF-") or data[:1024].lstrip().startswith(b"%PDF-"):
        return read_pdf(data)
    if head.startswith(b"PK\x03\x04"):
        return read_word(data)
    for magic, message in REFUSED_MAGIC.items():
        if head.startswith(magic):
            raise PlanFormatError(1, _(message))
    if b"\x00" in data[:4096] and not data.startswith((b"\xff\xfe", b"\xfe\xff")):
        raise PlanFormatError(1, _("the file is not a document (it holds binary data)"))
    return read_text(data, markdown=name.lower().endswith((".md", ".markdown")))
