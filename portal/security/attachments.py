"""Evidence files: recognised by content, decoded with limits, re-encoded without metadata."""
from __future__ import annotations

import io
import warnings
import zlib
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest a phone takes
# What one picture may occupy once decoded (16 MP: 48 MB in RGB). A larger JPEG is decoded at a
# half, a quarter or an eighth of its size (the decoder's draft mode: cheaper, not a resize after
# the fact), which keeps every detail evidence needs; a larger PNG or WebP is refused.
MAX_DECODED_PIXELS = 16_000_000
MAX_PDF_PAGES = 200
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}
# Page entries that carry metadata, scripts or actions; evidence needs none of them.
PDF_PAGE_DROP = ("/Metadata", "/PieceInfo", "/AA", "/Annots")
PDF_OBJECT_DROP = ("/Metadata", "/PieceInfo")
# JPEG segments that carry EXIF/GPS (APP1), XMP, ICC and maker data, and comments. APP0 (JFIF)
# and APP14 (Adobe: how to read the colours) are needed to decode the picture and stay.
JPEG_KEPT_APP = {0xE0, 0xEE}


class AttachmentRejected(ValueError):
    """A file failed a check; `reason` names which: too_large, type, pixels, unreadable,
    encrypted or pages."""

    def __init__(self, filename: str, reason: str) -> None:
        super().__init__(f"{filename}: {reason}")
        self.filename = filename
        self.reason = reason


@dataclass(frozen=True)
class CleanFile:
    data: bytes
    kind: str  # jpeg, png, webp or pdf

    @property
    def media_type(self) -> str:
        return MEDIA_TYPES[self.kind]


def sniff(data: bytes) -> str | None:
    """The file's real type from its first bytes, whatever its name says."""
    if data.startswith(b"\xff\xd8\xff"):
        return "jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "png"
    if data[:4] == b"RIFF" and data[8:12] == b"WEBP":
        return "webp"
    if data[:1024].lstrip().startswith(b"%PDF-"):
        return "pdf"
    return None


def clean(data: bytes, filename: str) -> CleanFile:
    """Check and rewrite one file, or raise AttachmentRejected."""
    if len(data) > MAX_FILE_BYTES:
        raise AttachmentRejected(filename, "too_large")
    kind = sniff(data)
    if kind is None:
        raise AttachmentRejected(filename, "type")
    if kind == "pdf":
        return CleanFile(_clean_pdf(data, filename), kind)
    return CleanFile(_clean_image(data, kind, filename), kind)


def _open_image(data: bytes, filename: str) -> Image.Image:
    with warnings.catch_warnings():
        warnings.simplefilter("error", Image.DecompressionBombWarning)
        try:
            image = Image.open(io.BytesIO(data))
            pixels = image.width * image.height
            if pixels > MAX_PIXELS:
                raise AttachmentRejected(filename, "pixels")
            if pixels > MAX_DECODED_PIXELS:
                _decode_smaller(image, filename)
            image.load()
        except AttachmentRejected:
            raise  # a ValueError too: not to be taken for an unreadable file below
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise AttachmentRejected(filename, "pixels") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise AttachmentRejected(filename, "unreadable") from exc
    return image


def _decode_smaller(image: Image.Image, filename: str) -> None:
    """Have a large JPEG decoded at the largest scale (1/2, 1/4, 1/8) that fits MAX_DECODED_PIXELS;
    refuse any other large picture."""
    if image.format != "JPEG":
        raise AttachmentRejected(filename, "pixels")
    scale = 2
    while image.width * image.height / (scale * scale) > MAX_DECODED_PIXELS and scale < 8:
        scale *= 2
    image.draft(image.mode, (-(-image.width // scale), -(-image.height // scale)))
    if image.width * image.height > MAX_DECODED_PIXELS:
        raise AttachmentRejected(filename, "pixels")


def _clean_image(data: bytes, kind: str, filename: str) -> bytes:
    image = _open_image(data, filename)
    # Turn the photo upright before the orientation tag is dropped with the rest of EXIF.
    image = ImageOps.exif_transpose(image)
    image.info = {}
    output = io.BytesIO()
    try:
        if kind == "jpeg":
            if image.mode not in ("RGB", "L"):
                image = image.convert("RGB")
            image.save(output, "JPEG", quality=90, exif=b"")
        elif kind == "png":
            image.save(output, "PNG")
        else:
            image.save(output, "WEBP", quality=90, exif=b"", xmp=b"")
    except (OSError, ValueError) as exc:  # sizes the encoder cannot write, e.g. WebP over 16383 px
        raise AttachmentRejected(filename, "unreadable") from exc
    return output.getvalue()


def strip_jpeg_metadata(data: bytes) -> bytes:
    """A JPEG's bytes without EXIF, GPS, XMP, ICC, maker segments or comments (no re-encoding)."""
    if not data.startswith(b"\xff\xd8"):
        return data
    output, position = bytearray(b"\xff\xd8"), 2
    while position + 4 <= len(data) and data[position] == 0xFF:
        marker = data[position + 1]
        if marker == 0xDA:  # start of scan: the picture itself follows, up to the end
            output += data[position:]
            return bytes(output)
        length = int.from_bytes(data[position + 2:position + 4], "big")
        segment = data[position:position + 2 + length]
        if not (0xE1 <= marker <= 0xEF and marker not in JPEG_KEPT_APP) and marker != 0xFE:
            output += segment
        position += 2 + length
    return bytes(output)


def _clean_pdf_object(obj, seen: set[int]) -> None:
    """Remove metadata from an object and everything it uses: images, forms, their resources."""
    from pypdf.generic import NameObject

    obj = obj.get_object()
    if id(obj) in seen or not hasattr(obj, "keys"):
        return
    seen.add(id(obj))
    for key in PDF_OBJECT_DROP:
        obj.pop(NameObject(key), None)
    if obj.get("/Subtype") == "/Image" and obj.get("/Filter") in ("/DCTDecode", ["/DCTDecode"]):
        # A DCT stream's encoded bytes are the JPEG file itself; pypdf's set_data only re-encodes
        # Flate streams, so the encoded bytes are replaced directly (the writer recounts /Length).
        obj._data = strip_jpeg_metadata(obj._data)
    resources = obj.get("/Resources")
    if resources is not None:
        for group in ("/XObject", "/Pattern", "/Font"):
            for child in (resources.get_object().get(group) or {}).values():
                _clean_pdf_object(child, seen)


def _clean_pdf(data: bytes, filename: str) -> bytes:
    # pypdf (with fontTools about 19 MB) is loaded by the first PDF sent, not by every worker.
    from pypdf import PdfReader, PdfWriter
    from pypdf.errors import PyPdfError
    from pypdf.generic import NameObject

    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentRejected(filename, "encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise AttachmentRejected(filename, "pages")
        writer = PdfWriter()
        seen: set[int] = set()
        for page in reader.pages:
            # Clean before adding: add_page copies everything the page refers to at that moment.
            for key in PDF_PAGE_DROP:
                page.pop(NameObject(key), None)
            _clean_pdf_object(page, seen)
            writer.add_page(page)
        writer.metadata = None  # no document information dictionary at all
        output = io.BytesIO()
        writer.write(output)
    except AttachmentRejected:
        raise
    except (PyPdfError, ValueError, KeyError, TypeError, AttributeError, IndexError, RecursionError,
            OverflowError, zlib.error, MemoryError) as exc:
        # A parser of what strangers send: a stream that inflates past pypdf's limits (an object-stream
        # bomb: LimitReachedError), references that loop, numbers out of range. None of it is evidence.
        raise AttachmentRejected(filename, "unreadable") from exc
    return output.getvalue()
