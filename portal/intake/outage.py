"""When the database fails under the complaint form: the form comes back with what the reporter
typed, their cleaned files kept outside the database (`kept_uploads.spill`) and a plain message
(503), so they can send it again instead of typing it all anew."""
from __future__ import annotations

import logging

from flask import flash, g, render_template, request
from sqlalchemy.exc import InterfaceError, OperationalError

from portal import clock, errors
from portal.casework.models import Category
from portal.i18n import _
from portal.intake.complaint_form import ComplaintForm
from portal.intake.uploads import clean_named_uploads
from portal.kept_uploads import spill
from portal.transaction import CommitUncertain

log = logging.getLogger(__name__)
FORM_ENDPOINT = "complaints.new"


HANDLED = (OperationalError, InterfaceError, CommitUncertain)  # registered on the blueprint by views.py


def answer(error: Exception):
    """Answer a database failure under the public complaint pages."""
    if request.endpoint != FORM_ENDPOINT or request.method != "POST":
        if isinstance(error, CommitUncertain):
            return errors.handle_http_error(error)
        return errors.handle_database_unavailable(error)
    uncertain = isinstance(error, CommitUncertain)
    if not uncertain:
        log.warning("database unavailable on POST %s (%s): the form was shown again", request.url_rule,
                    type(getattr(error, "orig", None) or error).__name__)
    form = ComplaintForm()  # the posted text, the same one-time form token
    if uncertain:
        flash(_("The database stopped answering while your complaint was being saved, so we cannot tell "
                "whether it was. What you wrote is kept below: send the form again in a minute. If it was "
                "saved, you will see its receipt and nothing is filed twice."), "error")
    else:
        flash(_("Complaints cannot be saved at the moment: the database is not answering. Nothing was "
                "saved. What you wrote is kept below: send the form again in a few minutes."), "error")
    spilled = _keep_files(form)
    hints = {category.value: category.description for category in Category}
    return render_template("intake/new.html", form=form, category_hints=hints, kept_files=[],
                           spilled_files=spilled), 503


def _keep_files(form: ComplaintForm) -> list[spill.Spilled]:
    """Keep the form's new files outside the database (cleaned, encrypted, for an hour); the files
    kept in the database before stay there. Returns what the form lists as kept through the outage."""
    binding = g.get("kept_binding")
    if binding is None:
        return []
    new_files = g.get("cleaned_uploads")
    if new_files is None:  # the database failed before the files were cleaned
        for upload in request.files.getlist(form.files.name):
            upload.stream.seek(0)
        new_files, _refused = clean_named_uploads(form.files)
    try:
        spill.spill(binding, new_files)
        return spill.spilled(binding, clock.now())
    except OSError:
        log.warning("files could not be kept through the database outage: the form asks for them again")
        if new_files:
            flash(_("Files are not kept: attach your photos or documents again before sending."), "error")
        return []

