"""Turning a form's file field into cleaned files, or errors naming each refused file."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage
from wtforms import Field

from portal.i18n import _
from portal.intake.filing import MAX_FILES
from portal.kept_uploads.service import NamedFile
from portal.security.attachments import MAX_FILE_BYTES, AttachmentRejected, CleanFile, clean

MAX_NAME = 60


def _messages() -> dict[str, str]:
    return {
        "too_large": _("“%(name)s” is larger than 10 MB."),
        "type": _("“%(name)s” is not a JPEG, PNG, WebP or PDF file."),
        "pixels": _("“%(name)s” has too many pixels to be processed safely. Send a smaller picture."),
        "unreadable": _("“%(name)s” could not be read. It may be damaged."),
        "encrypted": _("“%(name)s” is protected by a password. Send it without one."),
        "pages": _("“%(name)s” has more than 200 pages."),
    }


def clean_uploads(field: Field) -> list[CleanFile] | None:
    """The field's files, cleaned; None (with messages on the field) if any is refused."""
    cleaned, refused = clean_named_uploads(field)
    return None if refused else [named.file for named in cleaned]


def clean_named_uploads(field: Field, already: int = 0) -> tuple[list[NamedFile], bool]:
    """The field's files that pass cleaning, with their names, and whether any was refused (each
    refusal is a message on the field). `already` files are kept from an earlier try of the form."""
    # A text part sent under the files' name (not a browser, but it happens) is no file.
    uploads = [storage for storage in (field.data or [])
               if isinstance(storage, FileStorage) and storage.filename]
    errors = list(field.errors)
    if already + len(uploads) > MAX_FILES:
        errors.append(_("Send at most %(count)d files at a time.", count=MAX_FILES) if not already else
                      _("Send at most %(count)d files in all: remove a kept file or choose fewer.",
                        count=MAX_FILES))
        field.errors = errors
        return [], True
    cleaned = []
    for storage in uploads:
        name = storage.filename[:MAX_NAME]
        try:
            cleaned.append(NamedFile(name, clean(storage.read(MAX_FILE_BYTES + 1), name)))
        except AttachmentRejected as exc:
            errors.append(_messages()[exc.reason] % {"name": name})
    field.errors = errors
    return cleaned, bool(errors)
