"""A reporter's identity and receipt are unreadable in a copy of the database and absent from logs."""
import io
import logging

from sqlalchemy import inspect, text

from portal.extensions import db
from portal.security.receipts import normalise
from tests.support import files
from tests.support.complaints import (
    MARKER_EMAIL,
    MARKER_ID,
    MARKER_NAME,
    MARKER_PHONE,
    all_stored_values,
    form_fields,
    receipt_on,
)
from tests.support.forms import open_form


def test_no_marker_in_any_column_or_log_line(client, app, caplog):
    caplog.set_level(logging.DEBUG)
    data = {**open_form(client), **form_fields(
        identity="named", name=MARKER_NAME, phone=MARKER_PHONE, id_number=MARKER_ID,
        email=MARKER_EMAIL, notify_by="email")}
    data["files"] = [(io.BytesIO(files.jpeg_with_gps()), f"{MARKER_NAME}身份证.jpg")]
    response = client.post("/complaints/new", data=data, content_type="multipart/form-data")
    assert response.status_code == 200
    receipt = receipt_on(response.get_data(as_text=True))
    tracked = client.post("/track", data={"receipt": receipt, "csrf_token": open_form(client, "/track")["csrf_token"]})
    assert tracked.status_code == 302

    markers = [MARKER_NAME, MARKER_PHONE, MARKER_ID, MARKER_ID.lower(), MARKER_EMAIL, receipt,
               normalise(receipt), files.MARKER, "身份证"]
    with app.app_context():
        stored = all_stored_values(db.session.connection())
    assert stored, "the scan found nothing to scan"
    for marker in markers:
        encoded = marker.encode()
        assert not any(encoded in value for value in stored), f"{marker!r} is readable in the database"
        assert marker not in caplog.text, f"{marker!r} was logged"


def test_the_scan_would_notice_a_plain_value(app):
    """The scan above really reads the tables: a plain value planted in one is found."""
    with app.app_context():
        connection = db.session.connection()
        connection.execute(text("UPDATE institutions SET address = :a WHERE id = 1"), {"a": MARKER_NAME})
        assert any(MARKER_NAME.encode() in value for value in all_stored_values(connection))
        db.session.rollback()


def test_no_column_stores_an_ip_address(app):
    with app.app_context():
        names = {column["name"] for table in inspect(db.engine).get_table_names()
                 for column in inspect(db.engine).get_columns(table)}
    assert not any("ip" in name.split("_") or "addr" == name for name in names)


def test_library_warnings_about_uploads_never_reach_the_log(app, caplog):
    """pypdf quotes the bytes around damage in a PDF; Pillow prints EXIF at debug level."""
    caplog.set_level(logging.DEBUG)
    logging.getLogger("pypdf._reader").warning("damaged near /Author (%s)", MARKER_NAME)
    logging.getLogger("PIL.TiffImagePlugin").debug("Tag 271, Value: %s", MARKER_NAME)
    assert MARKER_NAME not in caplog.text


def test_a_scanned_pdf_keeps_no_readable_marker_in_the_database(client, app):
    data = {**open_form(client), **form_fields(), "files": [(io.BytesIO(files.pdf_with_photo_and_xmp()), "scan.pdf")]}
    assert client.post("/complaints/new", data=data, content_type="multipart/form-data").status_code == 200
    with app.app_context():
        stored = all_stored_values(db.session.connection())
    assert not any(files.MARKER.encode() in value for value in stored)
