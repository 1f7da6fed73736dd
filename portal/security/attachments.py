"""Evidence files: recognised by content, decoded with limits, re-encoded without metadata."""
from __future__ import annotations

import io
import warnings
from dataclasses import dataclass

from PIL import Image, ImageOps, UnidentifiedImageError
from pypdf import PdfReader, PdfWriter
from pypdf.errors import PdfReadError
from pypdf.generic import NameObject

MAX_FILE_BYTES = 10 * 1024 * 1024
MAX_PIXELS = 40_000_000  # a 40-megapixel photo is the largest a phone takes
MAX_PDF_PAGES = 200
MEDIA_TYPES = {"jpeg": "image/jpeg", "png": "image/png", "webp": "image/webp", "pdf": "application/pdf"}
# Page entries that carry metadata, scripts or actions; evidence needs none of them.
PDF_PAGE_DROP = ("/Metadata", "/PieceInfo", "/AA", "/Annots")


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
            if image.width * image.height > MAX_PIXELS:
                raise AttachmentRejected(filename, "pixels")
            image.load()
        except (Image.DecompressionBombError, Image.DecompressionBombWarning) as exc:
            raise AttachmentRejected(filename, "pixels") from exc
        except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
            raise AttachmentRejected(filename, "unreadable") from exc
    return image


def _clean_image(data: bytes, kind: str, filename: str) -> bytes:
    image = _open_image(data, filename)
    # Turn the photo upright before the orientation tag is dropped with the rest of EXIF.
    image = ImageOps.exif_transpose(image)
    image.info = {}
    output = io.BytesIO()
    if kind == "jpeg":
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
        image.save(output, "JPEG", quality=90, exif=b"", optimize=True)
    elif kind == "png":
        image.save(output, "PNG", optimize=True)
    else:
        image.save(output, "WEBP", quality=90, exif=b"", xmp=b"")
    return output.getvalue()


def _clean_pdf(data: bytes, filename: str) -> bytes:
    try:
        reader = PdfReader(io.BytesIO(data), strict=False)
        if reader.is_encrypted:
            raise AttachmentRejected(filename, "encrypted")
        if len(reader.pages) > MAX_PDF_PAGES:
            raise AttachmentRejected(filename, "pages")
        writer = PdfWriter()
        for page in reader.pages:
            for key in PDF_PAGE_DROP:
                page.pop(NameObject(key), None)
            writer.add_page(page)
        writer.metadata = None  # no document information dictionary at all
        output = io.BytesIO()
        writer.write(output)
    except AttachmentRejected:
        raise
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError) as exc:
        raise AttachmentRejected(filename, "unreadable") from exc
    return output.getvalue()
