"""Turning a form's file field into cleaned files, or errors naming each refused file."""
from __future__ import annotations

from werkzeug.datastructures import FileStorage
from wtforms import Field

from portal.i18n import _
from portal.intake.filing import MAX_FILES
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
    # A text part sent under the files' name (not a browser, but it happens) is no file.
    uploads = [storage for storage in (field.data or [])
               if isinstance(storage, FileStorage) and storage.filename]
    errors = list(field.errors)
    if len(uploads) > MAX_FILES:
        errors.append(_("Send at most %(count)d files at a time.", count=MAX_FILES))
        field.errors = errors
        return None
    cleaned = []
    for storage in uploads:
        name = storage.filename[:MAX_NAME]
        try:
            cleaned.append(clean(storage.read(MAX_FILE_BYTES + 1), name))
        except AttachmentRejected as exc:
            errors.append(_messages()[exc.reason] % {"name": name})
    field.errors = errors
    return None if errors else cleaned
