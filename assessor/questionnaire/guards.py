"""Cheap safety checks on a workbook file, run before any spreadsheet parser.

Parsers are slow or fall over on hostile files (docs/excel.md, "Untrusted
workbooks"): a 4.6 MB zip bomb kept openpyxl busy for minutes, an encrypted
workbook shows up as a bare BadZipFile. These checks read the zip directory and
at most a few KB of each XML part, so they finish quickly on any input, and they
turn each case into one sentence that tells the user what to do.
"""
from __future__ import annotations

import errno
import os
import re
import stat
import struct
import zipfile
import zlib
from dataclasses import dataclass

from assessor.errors import Problem, UnsafeFileError

MB = 1024 * 1024


@dataclass(frozen=True)
class Limits:
    max_file_bytes: int = 20 * MB
    max_entries: int = 10_000
    max_part_bytes: int = 50 * MB  # uncompressed, per part
    max_total_bytes: int = 200 * MB  # uncompressed, all parts
    max_ratio: int = 100  # uncompressed : compressed ...
    ratio_min_part_bytes: int = 1 * MB  # ... only for parts above this: small XML compresses well
    ole_scan_bytes: int = 4 * MB
    xml_head_bytes: int = 4096


DEFAULT_LIMITS = Limits()

_RESAVE = "open it in Excel and save as .xlsx"
_REFUSE = "refusing to open it; ask for a clean copy saved by Excel"
_DAMAGED = "the workbook is damaged or truncated"
_FRESH_COPY = f"get a fresh copy, or {_RESAVE}"

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
_EOCD, _ZIP64_LOCATOR, _ZIP64_EOCD = b"PK\x05\x06", b"PK\x06\x07", b"PK\x06\x06"
# One central-directory record is 46 bytes plus its name and extras; real part
# names are short, so more than this per allowed entry means padding or junk.
_DIRECTORY_BYTES_PER_ENTRY = 200

_XML_SUFFIXES = (".xml", ".rels", ".vml")
_DECLARATION = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)
_PROLOG = re.compile(r"(?:[ \t\r\n]|<\?.*?\?>|<!--.*?-->)*", re.DOTALL)
_CONTROL = re.compile(rb"[\x01-\x08\x0b\x0e-\x19\x1b-\x1f]")
# What a hostile or broken zip makes zipfile raise while reading it.
_ZIP_ERRORS = (zipfile.BadZipFile, zlib.error, EOFError, ValueError, NotImplementedError,
               struct.error, OSError)


class _Refused(Exception):
    def __init__(self, message: str, found: str = "", expected: str = ""):
        super().__init__(message)
        self.message, self.found, self.expected = message, found, expected


def check_workbook_file(path: str | os.PathLike, limits: Limits = DEFAULT_LIMITS) -> None:
    """Raise UnsafeFileError (one Problem) unless `path` is a plausible .xlsx/.xlsm.

    Only reads the file. Passing says nothing about the workbook's content, only
    that a parser can be pointed at it without risk.
    """
    try:
        _check(os.fspath(path), limits)
    except _Refused as refused:
        problem = Problem(file=str(path), location="", message=refused.message,
                          found=refused.found, expected=refused.expected)
        raise UnsafeFileError(str(problem), [problem]) from None


def _check(path, limits: Limits) -> None:
    try:
        mode = os.stat(path).st_mode
    except (FileNotFoundError, NotADirectoryError):
        raise _Refused("file not found: check the path and the file name") from None
    except OSError as error:
        if error.errno == errno.ELOOP:
            raise _Refused("a symbolic link that leads back to itself, not a workbook",
                           expected="the path of an .xlsx workbook") from None
        raise _Refused(f"the file cannot be read ({error.strerror}): check its permissions") from None
    if stat.S_ISDIR(mode):
        raise _Refused("this is a folder, not a file: give the path of the .xlsx workbook")
    if not stat.S_ISREG(mode):
        # Opening a pipe or a device can block forever.
        raise _Refused("this is not a regular file (a pipe, device or socket): "
                       "give the path of the .xlsx workbook")
    try:
        file = open(path, "rb")
    except OSError as error:
        raise _Refused(f"the file cannot be read ({error.strerror}): check its permissions") from None
    with file:
        try:
            _check_open_file(file, limits, os.path.splitext(path)[1].lower())
        except OSError as error:
            raise _Refused(f"the file cannot be read ({error.strerror or error}): "
                           "copy it to a local disk and try again") from None


def _check_open_file(file, limits: Limits, suffix: str = ".xlsx") -> None:
    size = os.fstat(file.fileno()).st_size
    if size == 0:
        raise _Refused("the file is empty (0 bytes): save or export the workbook again")
    if size > limits.max_file_bytes:
        raise _Refused("the file is too large: remove unused sheets, images or rows and save again",
                       found=_size(size), expected=f"at most {_size(limits.max_file_bytes)}")
    head = file.read(8192)
    if head.startswith(_OLE_MAGIC):
        _refuse_ole(file, head, limits)
    if not zipfile.is_zipfile(file):
        _refuse_non_zip(head, suffix)
    _check_directory_size(file, size, limits)
    try:
        archive = zipfile.ZipFile(file)
    except _ZIP_ERRORS:
        raise _Refused(f"{_DAMAGED} (perhaps an incomplete download or copy): {_FRESH_COPY}") from None
    with archive:
        infos = archive.infolist()
        _check_entries(infos, size, limits)
        _check_required_parts({info.filename for info in infos})
        for info in infos:
            if info.filename.lower().endswith(_XML_SUFFIXES):
                _check_xml_head(archive, info, limits)


def _refuse_ole(file, head: bytes, limits: Limits) -> None:
    """An OLE2 container is either an encrypted OOXML workbook or a legacy .xls."""
    if _has_encrypted_stream(file, head, limits):
        raise _Refused("the workbook is password-protected (encrypted): remove the password in Excel "
                       "(File > Info > Protect Workbook) and save again",
                       found="an encrypted workbook", expected="a workbook without a password")
    raise _Refused(f"this is an old Excel 97-2003 .xls file: {_RESAVE}",
                   found="an OLE2 compound file (.xls)", expected="an .xlsx workbook")


def _has_encrypted_stream(file, head: bytes, limits: Limits) -> bool:
    # The stream name sits in the OLE directory. Writers put it near the start,
    # but the header says where it is, so read that sector too.
    if len(head) >= 0x34:
        (shift,) = struct.unpack_from("<H", head, 0x1E)
        (first,) = struct.unpack_from("<L", head, 0x30)
        if shift in (9, 12) and first < 0xFFFFFFFA:
            file.seek((first + 1) << shift)
            if _ENCRYPTED_STREAM in file.read(1 << shift):
                return True
    file.seek(0)
    overlap, scanned = b"", 0
    while scanned < limits.ole_scan_bytes:
        chunk = file.read(min(1 * MB, limits.ole_scan_bytes - scanned))
        if not chunk:
            break
        if _ENCRYPTED_STREAM in overlap + chunk:
            return True
        overlap, scanned = chunk[-len(_ENCRYPTED_STREAM):], scanned + len(chunk)
    return False


def _refuse_non_zip(head: bytes, suffix: str = ".xlsx") -> None:
    if head.startswith(b"PK\x03\x04"):
        raise _Refused(f"{_DAMAGED} (perhaps an incomplete download or copy): {_FRESH_COPY}",
                       found="a zip archive without its end", expected="a complete .xlsx file")
    if head.startswith(b"%PDF-"):
        raise _Refused("this is a PDF document, not an Excel workbook: send the .xlsx file instead")
    text = _as_text(head)
    if text is not None:
        start = text.lstrip().lower()
        if start.startswith("<!doctype html") or "<html" in start[:2048] or "<table" in start[:2048]:
            raise _Refused(f"this is an HTML web page renamed to .xlsx, not a workbook: {_RESAVE}")
        if start.startswith("<"):
            raise _Refused("this is an XML file (perhaps an Excel 2003 XML spreadsheet), "
                           f"not an .xlsx workbook: {_RESAVE}")
        if suffix not in (".xlsx", ".xlsm"):  # a report.json or a rules .yaml given where a workbook goes
            raise _Refused(f"this is a text file ({suffix or 'no extension'}), not an Excel workbook: "
                           "give the path of the .xlsx workbook", expected="an .xlsx workbook")
        raise _Refused(f"this is a CSV or text file renamed to .xlsx, not a workbook: {_RESAVE}")
    raise _Refused(f"not an Excel .xlsx workbook (not a zip archive): {_RESAVE}")


def _as_text(head: bytes) -> str | None:
    """The head as text if it looks like text (any 8-bit encoding, or UTF-16 with a BOM)."""
    if head.startswith((b"\xff\xfe", b"\xfe\xff")):
        return head[2:].replace(b"\x00", b"").decode("latin-1")
    if b"\x00" in head or _CONTROL.search(head):
        return None
    return head.removeprefix(b"\xef\xbb\xbf").decode("latin-1")


def _check_directory_size(file, size: int, limits: Limits) -> None:
    """Bound the central directory before zipfile parses all of it.

    ZipFile() builds every entry up front: 200,000 tiny entries took 1.4 s and
    200 MB, so read the counts from the end record (as zipfile finds it) first.
    """
    tail_length = min(size, 22 + 0xFFFF + 20 + 56)
    file.seek(size - tail_length)
    tail = file.read(tail_length)
    end = len(tail) - 22
    if not (end >= 0 and tail[end:end + 4] == _EOCD and tail[-2:] == b"\0\0"):
        end = tail.rfind(_EOCD)
    if end < 0 or len(tail) < end + 22:
        raise _Refused(f"{_DAMAGED} (perhaps an incomplete download or copy): {_FRESH_COPY}")
    entries, directory_bytes = struct.unpack_from("<HL", tail, end + 10)
    if end >= 76 and tail[end - 20:end - 16] == _ZIP64_LOCATOR and tail[end - 76:end - 72] == _ZIP64_EOCD:
        entries, directory_bytes = struct.unpack_from("<QQ", tail, end - 76 + 32)
    if entries > limits.max_entries or directory_bytes > limits.max_entries * _DIRECTORY_BYTES_PER_ENTRY:
        _refuse_entry_count(f"{entries} parts in {_size(directory_bytes)} of zip directory", limits)


def _refuse_entry_count(found: str, limits: Limits) -> None:
    raise _Refused(f"the workbook has far more parts than a normal workbook: {_REFUSE}",
                   found=found, expected=f"at most {limits.max_entries} parts")


def _check_entries(infos: list[zipfile.ZipInfo], size: int, limits: Limits) -> None:
    """Judge every part from the zip directory alone, before decompressing anything."""
    if len(infos) > limits.max_entries:
        _refuse_entry_count(f"{len(infos)} parts", limits)
    unpacked = packed = 0
    for info in infos:
        name = info.filename
        if info.flag_bits & 0x1:
            raise _Refused(f"part {name} is encrypted with a zip password, which Excel never does: {_REFUSE}")
        parts = re.split(r"[/\\]", name)
        if ".." in parts or name.startswith(("/", "\\")) or re.match(r"[A-Za-z]:", name):
            raise _Refused(f"part name {name!r} points outside the archive "
                           f"('..' or an absolute path): {_REFUSE}")
        if info.compress_type not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            # Excel only stores or deflates; zipfile decompresses the others without an output bound.
            raise _Refused(f"part {name} uses a compression method Excel does not write: {_RESAVE}",
                           found=f"method {info.compress_type}", expected="stored or deflated")
        # The ratio goes first so that a bomb is called a bomb, not just "too large".
        if (info.file_size > limits.ratio_min_part_bytes
                and info.file_size > limits.max_ratio * info.compress_size):
            ratio = info.file_size // max(info.compress_size, 1)
            raise _Refused(f"looks like a zip bomb: part {name} expands to {_size(info.file_size)} "
                           f"from {_size(info.compress_size)}: {_REFUSE}",
                           found=f"ratio {ratio}:1", expected=f"at most {limits.max_ratio}:1")
        if info.file_size > limits.max_part_bytes:
            raise _Refused(f"part {name} is too large once unpacked: split the data over smaller workbooks "
                           "or remove unused rows and formatting",
                           found=_size(info.file_size), expected=f"at most {_size(limits.max_part_bytes)}")
        unpacked += info.file_size
        packed += info.compress_size
    if unpacked > limits.max_total_bytes:
        raise _Refused("the workbook is too large once unpacked: split the data over smaller workbooks "
                       "or remove unused sheets, rows and images",
                       found=_size(unpacked), expected=f"at most {_size(limits.max_total_bytes)}")
    if packed > size:
        # Only overlapping entries (a zip-bomb trick) or lying sizes can do this.
        raise _Refused(f"the workbook's zip entries overlap or misstate their sizes: {_REFUSE}",
                       found=f"{_size(packed)} of parts in a {_size(size)} file")


def _check_required_parts(names: set[str]) -> None:
    if "xl/workbook.xml" not in names:
        if "xl/workbook.bin" in names:
            raise _Refused(f"binary .xlsb workbooks are not supported: {_RESAVE}")
        if "word/document.xml" in names:
            raise _Refused("this is a Word document (.docx), not an Excel workbook: "
                           "send the .xlsx file instead")
        if "ppt/presentation.xml" in names:
            raise _Refused("this is a PowerPoint presentation (.pptx), not an Excel workbook: "
                           "send the .xlsx file instead")
        raise _Refused(f"a zip archive but not an Excel workbook (no xl/workbook.xml): {_RESAVE}")
    if "[Content_Types].xml" not in names:
        raise _Refused(f"a zip archive but not an Excel workbook (no [Content_Types].xml): {_RESAVE}")


def _check_xml_head(archive: zipfile.ZipFile, info: zipfile.ZipInfo, limits: Limits) -> None:
    """Refuse a DOCTYPE or entity declaration, the carrier of XML bombs and XXE.

    Only the head is read: a DOCTYPE must come before the root element. A head
    made only of comments could push one further down, so that is refused too.
    """
    try:
        with archive.open(info) as part:
            # One byte more tells whether the head is the whole part; reading a
            # small part to its end also makes zipfile verify its CRC.
            head = part.read(limits.xml_head_bytes + 1)
    except _ZIP_ERRORS:
        raise _Refused(f"{_DAMAGED}: part {info.filename} cannot be read; {_FRESH_COPY}") from None
    more = len(head) > limits.xml_head_bytes
    # Dropping NULs turns UTF-16 markup into ASCII; NUL never occurs in UTF-8 XML.
    text = head[:limits.xml_head_bytes].replace(b"\x00", b"")
    for bom in (b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff"):
        text = text.removeprefix(bom)
    text = text.decode("latin-1")
    if _DECLARATION.search(text):
        raise _Refused(f"part {info.filename} contains an XML DOCTYPE/entity declaration "
                       f"(possible XML bomb or external entity attack): {_REFUSE}")
    rest = text[_PROLOG.match(text).end():]
    if more and not (rest[:1] == "<" and rest[1:2] not in ("!", "?", "")):
        raise _Refused(f"part {info.filename} does not start with an XML element within its first "
                       f"{_size(limits.xml_head_bytes)}, so it cannot be checked for a DOCTYPE: {_REFUSE}")


def _size(n: int) -> str:
    if n >= MB:
        return f"{n / MB:,.1f} MB"
    if n >= 1024:
        return f"{n / 1024:,.1f} KB"
    return f"{n} bytes"
