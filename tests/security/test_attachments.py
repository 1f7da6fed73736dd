"""Evidence files: recognised by content, metadata removed, dangerous files refused."""
import io

import pytest
from PIL import Image
from pypdf import PdfReader

from portal.security.attachments import MAX_FILE_BYTES, AttachmentRejected, clean, sniff
from tests.support import files


def test_jpeg_loses_exif_gps_and_comments():
    original = files.jpeg_with_gps()
    assert files.MARKER.encode() in original and Image.open(io.BytesIO(original)).getexif().get_ifd(0x8825)
    cleaned = clean(original, "photo.jpg")
    assert cleaned.kind == "jpeg" and cleaned.media_type == "image/jpeg"
    image = Image.open(io.BytesIO(cleaned.data))
    assert not image.getexif() and "comment" not in image.info and "exif" not in image.info
    assert files.MARKER.encode() not in cleaned.data and b"Exif" not in cleaned.data
    assert image.size == (64, 48)


def test_png_loses_text_and_xmp_chunks():
    cleaned = clean(files.png_with_text(), "scan.png")
    assert files.MARKER.encode() not in cleaned.data
    assert b"tEXt" not in cleaned.data and b"iTXt" not in cleaned.data
    assert Image.open(io.BytesIO(cleaned.data)).mode == "RGBA"


def test_webp_is_reencoded():
    assert clean(files.webp(), "x.webp").kind == "webp"


def test_pdf_loses_document_information():
    original = files.pdf_with_author()
    assert PdfReader(io.BytesIO(original)).metadata["/Author"] == files.MARKER
    cleaned = clean(original, "contract.pdf")
    reader = PdfReader(io.BytesIO(cleaned.data))
    assert reader.metadata is None and len(reader.pages) == 1
    assert files.MARKER.encode() not in cleaned.data


def test_scanned_pdf_loses_xmp_and_the_photos_exif_inside_it():
    original = files.pdf_with_photo_and_xmp()
    assert original.count(files.MARKER.encode()) >= 4 and b"Exif" in original
    cleaned = clean(original, "scan.pdf")
    assert files.MARKER.encode() not in cleaned.data
    assert b"Exif" not in cleaned.data and b"/Metadata" not in cleaned.data
    reader = PdfReader(io.BytesIO(cleaned.data))
    image = reader.pages[0].images[0]
    assert image.image.size == (64, 48)  # the picture itself is intact


def test_jpeg_metadata_stripping_keeps_the_picture():
    from portal.security.attachments import strip_jpeg_metadata

    photo = files.jpeg_with_gps()
    stripped = strip_jpeg_metadata(photo)
    assert b"Exif" not in stripped and files.MARKER.encode() not in stripped
    assert Image.open(io.BytesIO(stripped)).size == (64, 48)


def test_type_comes_from_content_not_name():
    assert sniff(files.executable()) is None
    with pytest.raises(AttachmentRejected) as refused:
        clean(files.executable(), "holiday-photo.jpg")
    assert refused.value.reason == "type" and refused.value.filename == "holiday-photo.jpg"
    assert clean(files.webp(), "document.pdf").kind == "webp"


def test_file_over_the_limit_is_refused():
    with pytest.raises(AttachmentRejected) as refused:
        clean(b"\xff\xd8\xff" + b"\x00" * MAX_FILE_BYTES, "huge.jpg")
    assert refused.value.reason == "too_large"


def test_decompression_bomb_is_refused_before_decoding():
    with pytest.raises(AttachmentRejected) as refused:
        clean(files.decompression_bomb(), "bomb.png")
    assert refused.value.reason == "pixels"


def test_truncated_image_and_broken_pdf_are_unreadable():
    with pytest.raises(AttachmentRejected) as refused:
        clean(files.jpeg_with_gps()[:60], "cut.jpg")
    assert refused.value.reason == "unreadable"
    with pytest.raises(AttachmentRejected) as refused:
        clean(b"%PDF-1.7\n garbage", "broken.pdf")
    assert refused.value.reason == "unreadable"


def test_a_pdf_object_stream_bomb_is_unreadable_not_an_error():
    with pytest.raises(AttachmentRejected) as refused:
        clean(files.pdf_object_stream_bomb(), "bomb.pdf")
    assert refused.value.reason == "unreadable"


def test_a_large_photo_is_decoded_at_a_bounded_size():
    """A photo over MAX_DECODED_PIXELS is decoded at half size (the JPEG decoder's draft mode), so
    one upload cannot hold 40 megapixels (120 MB and more) in memory; a PNG that large is refused."""
    import io

    from PIL import Image

    from portal.security.attachments import MAX_DECODED_PIXELS

    picture = Image.new("RGB", (6000, 3000), (120, 80, 40))  # 18 megapixels
    jpeg, png = io.BytesIO(), io.BytesIO()
    picture.save(jpeg, "JPEG", quality=70)
    picture.save(png, "PNG")
    del picture
    cleaned = clean(jpeg.getvalue(), "big.jpg")
    with Image.open(io.BytesIO(cleaned.data)) as result:
        assert result.size == (3000, 1500) and result.width * result.height <= MAX_DECODED_PIXELS
    with pytest.raises(AttachmentRejected) as refused:
        clean(png.getvalue(), "big.png")
    assert refused.value.reason == "pixels"
