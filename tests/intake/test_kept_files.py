"""Files chosen on a form returned for correction are kept: encrypted, for that form and browser
only, removable, gone once the complaint is filed or after an hour."""
import datetime as dt
import io

from sqlalchemy import func, select

from portal import clock
from portal.casework.models import Attachment, Complaint
from portal.extensions import db
from portal.kept_uploads import service as kept
from portal.kept_uploads.models import KeptUpload
from portal.security import crypto
from tests.support import files
from tests.support.complaints import MARKER_NAME, all_stored_values, form_fields
from tests.support.forms import open_form

PHOTO = f"{MARKER_NAME}的收据.jpg"


def post(client, tokens, upload=None, lang="zh_CN", extra=None, **overrides):
    data = {**tokens, **form_fields(**overrides), **(extra or {})}
    if upload is not None:
        data["files"] = upload
    return client.post(f"/complaints/new?lang={lang}", data=data, content_type="multipart/form-data")


def photo(name=PHOTO):
    return [(io.BytesIO(files.jpeg_with_gps()), name)]


def kept_rows(app) -> list[KeptUpload]:
    with app.app_context():
        rows = list(db.session.scalars(select(KeptUpload)))
        db.session.expunge_all()
        return rows


def test_a_photo_survives_a_correction_and_is_filed_with_the_complaint(client, app):
    tokens = open_form(client)
    returned = post(client, tokens, upload=photo(), description="太短")
    page = returned.get_data(as_text=True)
    assert returned.status_code == 422 and PHOTO in page and 'name="remove_kept"' in page
    [row] = kept_rows(app)
    with app.app_context():
        stored = all_stored_values(db.session.connection())
        clean_photo = crypto.decrypt_file(crypto.Sealed(row.ciphertext, row.wrapped_key))
    # Encrypted at rest: neither its name nor its cleaned content is readable in the database.
    assert not any(MARKER_NAME.encode() in value for value in stored)
    assert clean_photo.startswith(b"\xff\xd8") and clean_photo[:64] not in row.ciphertext
    assert files.MARKER.encode() not in clean_photo  # cleaned like any evidence

    filed = post(client, tokens)
    assert filed.status_code == 200
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).order_by(Complaint.id.desc())).first()
        attachments = db.session.scalars(select(Attachment).where(Attachment.complaint_id == complaint.id)).all()
        assert [a.filename for a in attachments] == ["evidence-1.jpg"]
        assert crypto.decrypt_file(crypto.Sealed(attachments[0].ciphertext, attachments[0].wrapped_key)) == clean_photo
    assert kept_rows(app) == []  # deleted once filed


def test_a_kept_file_can_be_left_out(client, app):
    tokens = open_form(client)
    post(client, tokens, upload=photo("one.jpg"), description="太短")
    post(client, tokens, upload=photo("two.jpg"), description="太短")
    rows = kept_rows(app)
    assert len(rows) == 2
    again = post(client, tokens, description="太短", extra={"remove_kept": str(rows[0].id)})
    page = again.get_data(as_text=True)
    assert "one.jpg" not in page and "two.jpg" in page
    assert post(client, tokens).status_code == 200
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).order_by(Complaint.id.desc())).first()
        assert db.session.scalar(select(func.count()).select_from(Attachment)
                                 .where(Attachment.complaint_id == complaint.id)) == 1


def test_kept_files_come_back_only_to_the_browser_that_sent_them(client, app):
    tokens = open_form(client)
    post(client, tokens, upload=photo(), description="太短")
    other = app.test_client()
    open_form(other)
    stolen = post(other, {**tokens, "csrf_token": open_form(other)["csrf_token"]}, description="太短")
    assert PHOTO not in stolen.get_data(as_text=True)
    assert post(other, {**tokens, "csrf_token": open_form(other)["csrf_token"]}).status_code == 200
    with app.app_context():
        complaint = db.session.scalars(select(Complaint).order_by(Complaint.id.desc())).first()
        assert db.session.scalar(select(func.count()).select_from(Attachment)
                                 .where(Attachment.complaint_id == complaint.id)) == 0


def test_at_most_five_files_in_all(client, app):
    tokens = open_form(client)
    post(client, tokens, upload=[photo(f"{n}.jpg")[0] for n in range(4)], description="太短")
    response = post(client, tokens, upload=[photo(f"{n}.jpg")[0] for n in range(4, 6)], lang="en")
    assert response.status_code == 422 and "at most 5 files in all" in response.get_data(as_text=True)
    assert len(kept_rows(app)) == 4


def test_expired_files_are_not_offered_and_are_purged(client, app, runner):
    tokens = open_form(client)
    post(client, tokens, upload=photo(), description="太短")
    with app.app_context():
        db.session.execute(KeptUpload.__table__.update().values(
            expires_at=clock.now() - dt.timedelta(seconds=1)))
        db.session.commit()
    assert PHOTO not in post(client, tokens, description="太短").get_data(as_text=True)
    result = runner.invoke(args=["complaints", "purge-kept"])
    assert result.exit_code == 0 and "1 expired" in result.output
    assert kept_rows(app) == []


def test_purge_keeps_files_still_in_their_hour(ctx):
    kept.keep("binding", [kept.NamedFile("a.jpg", _clean())], clock.now())
    assert kept.purge(clock.now() + kept.KEEP_FOR - dt.timedelta(minutes=1)) == 0
    assert kept.purge(clock.now() + kept.KEEP_FOR) == 1


def _clean():
    from portal.security.attachments import clean
    return clean(files.jpeg_with_gps(), "a.jpg")


def test_each_return_of_the_form_gives_its_files_another_hour(ctx):
    start = clock.now()
    kept.keep("binding", [kept.NamedFile("a.jpg", _clean())], start)
    later = start + dt.timedelta(minutes=50)
    kept.keep("binding", [], later)  # the form came back again, nothing new chosen
    assert [k.name for k in kept.listed("binding", start + kept.KEEP_FOR + dt.timedelta(minutes=10))] == ["a.jpg"]
    assert kept.purge(later + kept.KEEP_FOR) == 1


def test_a_pdf_object_stream_bomb_comes_back_beside_the_field(client, app):
    """Not a 500: the form comes back with the message beside the file field, the text kept."""
    tokens = open_form(client)
    response = post(client, tokens, upload=[(io.BytesIO(files.pdf_object_stream_bomb()), "合同.pdf")], lang="en")
    assert response.status_code == 422
    page = response.get_data(as_text=True)
    assert "“合同.pdf” could not be read. It may be damaged." in page
    assert form_fields()["description"] in page
    assert kept_rows(app) == []


def test_a_large_photo_is_never_spooled_to_the_temporary_folder(client, app, monkeypatch):
    """Werkzeug spools uploads over 500 KB to the system's temporary folder (unencrypted, GPS and
    all); the portal keeps them in memory until they are cleaned and encrypted."""
    import tempfile

    from werkzeug import formparser

    spooled = []

    class Watched(tempfile.SpooledTemporaryFile):
        def __init__(self, *args, **kwargs):
            spooled.append(kwargs.get("max_size"))
            super().__init__(*args, **kwargs)

    monkeypatch.setattr(formparser, "SpooledTemporaryFile", Watched)
    big = files.jpeg_with_gps() + b"\x00" * 700_000  # a phone photo's size; the padding after the image
    tokens = open_form(client)
    response = post(client, tokens, upload=[(io.BytesIO(big), PHOTO)], description="太短")
    assert response.status_code == 422 and PHOTO in response.get_data(as_text=True)  # cleaned and kept
    assert spooled == []
