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
