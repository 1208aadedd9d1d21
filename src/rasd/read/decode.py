"""Bytes -> text: size limit, binary refusal, charset detection.

Order of charsets tried: a byte-order mark, then a charset the content declares
(HTML ``<meta charset>``, ``http-equiv`` content type, XML declaration), then
UTF-8, then cp1256 (only when the result plausibly is Arabic), then latin-1,
which never fails (cp1252 instead when the bytes hold its curly quotes and dashes,
which latin-1 would turn into control characters). The charset used is returned so it can be recorded.
"""
from __future__ import annotations

import codecs
import os
import re
from typing import BinaryIO, Optional

from ..errors import InputError

# leading bytes of common binary formats -> a name for the error message
_MAGIC: tuple[tuple[bytes, str], ...] = (
    (b"%PDF", "PDF document"),
    (b"\x89PNG", "PNG image"),
    (b"\xff\xd8\xff", "JPEG image"),
    (b"GIF87a", "GIF image"),
    (b"GIF89a", "GIF image"),
    (b"PK\x03\x04", "ZIP archive (or DOCX/XLSX/EPUB)"),
    (b"\x1f\x8b", "gzip archive"),
    (b"BZh", "bzip2 archive"),
    (b"\xfd7zXZ\x00", "xz archive"),
    (b"7z\xbc\xaf\x27\x1c", "7-Zip archive"),
    (b"Rar!", "RAR archive"),
    (b"\x7fELF", "executable"),
    (b"MZ", "Windows executable"),
    (b"SQLite format 3\x00", "SQLite database"),
    (b"\xd0\xcf\x11\xe0", "MS Office document"),
    (b"OggS", "Ogg media"),
    (b"ID3", "MP3 audio"),
    (b"\x00\x00\x00\x18ftyp", "MP4 video"),
    (b"\x00\x00\x00\x20ftyp", "MP4 video"),
    (b"RIFF", "RIFF media (WAV/AVI/WebP)"),
    (b"PAR1", "Parquet file"),
)

_BOMS: tuple[tuple[bytes, str], ...] = (
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)

_DECLARED = [
    re.compile(rb"<meta[^>]+charset\s*=\s*[\"']?\s*([A-Za-z0-9_.:-]+)", re.I),
    re.compile(rb"<\?xml[^>]+encoding\s*=\s*[\"']([A-Za-z0-9_.:-]+)", re.I),
]

_ARABIC = re.compile(r"[\u0600-\u06FF\u0750-\u077F\uFB50-\uFDFF\uFE70-\uFEFF]")
_CONTROL = set(range(0, 9)) | {11, 12} | set(range(14, 32))


def human_size(n: int) -> str:
    for unit in ("bytes", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n} {unit}" if unit == "bytes" else f"{n:.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


def check_size(source: str, size: int, max_bytes: int) -> None:
    if size > max_bytes:
        raise InputError(source, f"file is {human_size(size)}, over the {human_size(max_bytes)} limit "
                                 "(raise it with --max-bytes or RASD_MAX_FILE_BYTES)")


def read_limited(source: str, path: str, max_bytes: int) -> bytes:
    """Read a file's bytes, refusing it (by its size, before reading) when over the limit."""
    try:
        size = os.stat(path).st_size
    except OSError as exc:
        raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    check_size(source, size, max_bytes)
    try:
        with open(path, "rb") as fh:
            data = fh.read(max_bytes + 1)
    except OSError as exc:
        raise InputError(source, f"cannot read ({exc.strerror or exc})") from None
    check_size(source, len(data), max_bytes)  # the file grew while we looked
    return data


def read_stream_limited(source: str, stream: BinaryIO, max_bytes: int) -> bytes:
    data = stream.read(max_bytes + 1)
    check_size(source, len(data), max_bytes)
    return data


def binary_kind(data: bytes) -> Optional[str]:
    """A short name of the binary format when ``data`` is not text, else None."""
    for bom, _ in _BOMS:
        if data.startswith(bom):
            return None  # UTF-16/32 text carries NUL bytes legitimately
    for magic, name in _MAGIC:
        if data.startswith(magic):
            return name
    head = data[:8192]
    if b"\x00" in head:
        return "binary data (NUL bytes)"
    if head:
        controls = sum(1 for b in head if b in _CONTROL)
        if controls / len(head) > 0.05:
            return "binary data (control bytes)"
    return None


def declared_charset(data: bytes) -> Optional[str]:
    head = data[:4096]
    for rx in _DECLARED:
        m = rx.search(head)
        if m:
            name = m.group(1).decode("ascii", "ignore").strip().lower()
            try:
                return codecs.lookup(name).name
            except LookupError:
                return None
    return None


def _plausibly_arabic(text: str) -> bool:
    non_ascii = [c for c in text if ord(c) > 127]
    if not non_ascii:
        return False
    arabic = sum(1 for c in non_ascii if _ARABIC.match(c))
    return arabic >= 3 and arabic / len(non_ascii) >= 0.6


def decode_bytes(data: bytes, declared: Optional[str] = None) -> tuple[str, str]:
    """Decode ``data``; returns (text, charset used). Never fails (latin-1 is the last resort)."""
    for bom, name in _BOMS:
        if data.startswith(bom):
            try:
                return data.decode(name), name.replace("-sig", "")
            except UnicodeDecodeError:
                break
    candidates = []
    if declared:
        candidates.append(declared)
    candidates.append("utf-8")
    for name in candidates:
        try:
            return data.decode(name), codecs.lookup(name).name
        except (UnicodeDecodeError, LookupError):
            continue
    try:
        text = data.decode("cp1256")
        if _plausibly_arabic(text):
            return text, "cp1256"
    except UnicodeDecodeError:
        pass
    if any(0x80 <= b <= 0x9F for b in data):
        # latin-1 would turn these bytes into control characters; in Windows-1252 they are
        # the curly quotes and dashes of Western text
        try:
            return data.decode("cp1252"), "cp1252"
        except UnicodeDecodeError:
            pass
    return data.decode("latin-1"), "latin-1"


def bytes_to_text(source: str, data: bytes, *, html: bool = False,
                  charset: Optional[str] = None) -> tuple[str, str]:
    """Refuse binary or empty content, then decode. ``charset``: one the transport declared
    (an HTTP Content-Type), which wins over one the content declares. Raises InputError."""
    if not data:
        raise InputError(source, "empty file")
    kind = binary_kind(data)
    if kind:
        raise InputError(source, f"not a text file: {kind}")
    if charset:
        try:
            charset = codecs.lookup(charset).name
        except LookupError:
            charset = None
    text, enc = decode_bytes(data, charset or (declared_charset(data) if html else None))
    text = text.replace("\r\n", "\n").replace("\r", "\n")
    if not text.strip():
        raise InputError(source, "empty file (only white space)")
    return text, enc
