"""Evidence files made on the spot: photos with GPS, PNGs with text chunks, PDFs with authors."""
from __future__ import annotations

import io
import struct
import zlib

from PIL import Image, PngImagePlugin
from pypdf import PdfWriter

MARKER = "MARKER-7f3a"


def jpeg_with_gps(width: int = 64, height: int = 48) -> bytes:
    image = Image.new("RGB", (width, height), (200, 30, 30))
    exif = Image.Exif()
    exif[0x010F] = f"Camera {MARKER}"  # Make
    exif[0x9286] = MARKER  # UserComment (in the Exif IFD on real cameras; fine here)
    gps = exif.get_ifd(0x8825)
    gps[1], gps[2] = "N", (30.0, 15.0, 0.0)  # GPSLatitudeRef, GPSLatitude
    gps[3], gps[4] = "E", (120.0, 10.0, 0.0)
    output = io.BytesIO()
    image.save(output, "JPEG", exif=exif, comment=MARKER.encode())
    return output.getvalue()


def png_with_text() -> bytes:
    info = PngImagePlugin.PngInfo()
    info.add_text("Author", MARKER)
    info.add_itxt("XML:com.adobe.xmp", f"<x:xmpmeta>{MARKER}</x:xmpmeta>")
    output = io.BytesIO()
    Image.new("RGBA", (20, 20), (0, 0, 255, 128)).save(output, "PNG", pnginfo=info)
    return output.getvalue()


def webp() -> bytes:
    output = io.BytesIO()
    Image.new("RGB", (30, 30), (0, 128, 0)).save(output, "WEBP")
    return output.getvalue()


def pdf_with_author() -> bytes:
    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Author": MARKER, "/Title": f"Receipt {MARKER}", "/Creator": MARKER})
    writer._root_object  # noqa: B018  (the catalogue exists before XMP is attached)
    output = io.BytesIO()
    writer.write(output)
    return output.getvalue()


def decompression_bomb(width: int = 20_000, height: int = 20_000) -> bytes:
    """A tiny PNG that claims 400 megapixels (a real zlib stream of zero rows)."""
    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 1, 0, 0, 0, 0)  # 1-bit greyscale
    rows = zlib.compress(b"\x00" * (width // 8 + 1) * 64)  # a few rows; decoding is refused first
    return b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", rows) + chunk(b"IEND", b"")


def executable() -> bytes:
    return b"MZ\x90\x00" + b"\x00" * 200 + b"This program cannot be run in DOS mode."


def _pdf(objects: list[bytes], trailer_extra: bytes = b"") -> bytes:
    """Assemble numbered objects into a PDF with a correct cross-reference table."""
    output, offsets = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(output))
        output += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(output)
    output += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    output += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    output += b"trailer\n<< /Size %d /Root 1 0 R %s>>\nstartxref\n%d\n%%%%EOF\n" % (
        len(objects) + 1, trailer_extra, xref)
    return bytes(output)


def _stream(dictionary: bytes, data: bytes) -> bytes:
    return b"<< " + dictionary + b" /Length %d >>\nstream\n" % len(data) + data + b"\nendstream"


def pdf_with_photo_and_xmp() -> bytes:
    """What a phone's scanning app makes: a photo (with GPS EXIF) inside, XMP everywhere."""
    photo = jpeg_with_gps()
    xmp = f"<x:xmpmeta xmlns:x='adobe:ns:meta/'><rdf:Description>{MARKER}</rdf:Description></x:xmpmeta>".encode()
    with Image.open(io.BytesIO(photo)) as image:
        width, height = image.size
    return _pdf([
        b"<< /Type /Catalog /Pages 2 0 R /Metadata 6 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 200 150] /Resources << /XObject << /Im1 4 0 R >> >>"
        b" /Contents 5 0 R /Metadata 7 0 R >>",
        _stream(b"/Type /XObject /Subtype /Image /Width %d /Height %d /ColorSpace /DeviceRGB"
                b" /BitsPerComponent 8 /Filter /DCTDecode /Metadata 7 0 R" % (width, height), photo),
        _stream(b"", b"q 200 0 0 150 0 0 cm /Im1 Do Q"),
        _stream(b"/Type /Metadata /Subtype /XML", xmp),
        _stream(b"/Type /Metadata /Subtype /XML", xmp),
        f"<< /Author ({MARKER}) /Producer (Scanner {MARKER}) >>".encode(),
    ], trailer_extra=b"/Info 8 0 R ")


def damaged_pdf() -> bytes:
    """The same PDF with its cross-reference table pointing at the wrong places."""
    data = pdf_with_photo_and_xmp()
    return data.replace(b"0000000015 00000 n", b"0000000999 00000 n").replace(b"startxref\n", b"startxref\n9")


def pdf_object_stream_bomb(inflated: int = 100_000_000) -> bytes:
    """A small PDF whose page tree sits in a compressed object stream that inflates to `inflated`
    bytes (about 100 MB from about 100 KB): a cross-reference stream points into it."""
    import zlib

    pages = b"<< /Type /Pages /Kids [] /Count 0 >>"
    header = b"2 0 "
    padding = b" " * (inflated - len(header) - len(pages))
    objstm = zlib.compress(header + pages + padding, 9)
    output = bytearray(b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n")
    offsets = {}
    offsets[1] = len(output)
    output += b"1 0 obj\n<< /Type /Catalog /Pages 2 0 R >>\nendobj\n"
    offsets[3] = len(output)
    output += b"3 0 obj\n" + _stream(b"/Type /ObjStm /N 1 /First %d /Filter /FlateDecode" % len(header), objstm) + \
        b"\nendobj\n"
    xref_offset = len(output)
    rows = [b"\x00\x00\x00\x00\xff\xff", b"\x01" + offsets[1].to_bytes(4, "big") + b"\x00",
            b"\x02" + (3).to_bytes(4, "big") + b"\x00", b"\x01" + offsets[3].to_bytes(4, "big") + b"\x00",
            b"\x01" + xref_offset.to_bytes(4, "big") + b"\x00"]
    output += b"4 0 obj\n" + _stream(b"/Type /XRef /Size 5 /W [1 4 1] /Root 1 0 R", b"".join(rows)) + b"\nendobj\n"
    output += b"startxref\n%d\n%%%%EOF\n" % xref_offset
    return bytes(output)
