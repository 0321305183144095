"""The file guards refuse hostile or wrong files before any parser sees them.

Every hostile file is built here, in tmp_path; nothing is checked in.
"""
from __future__ import annotations

import dataclasses
import os
import struct
import zipfile
from pathlib import Path

import openpyxl
import pytest

from assessor.errors import Problem, UnsafeFileError
from assessor.questionnaire import guards
from assessor.questionnaire.guards import DEFAULT_LIMITS, MB, Limits, check_workbook_file

OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
CONTENT_TYPES = (b'<?xml version="1.0" encoding="UTF-8"?>'
                 b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types"/>')
WORKBOOK = b'<?xml version="1.0" encoding="UTF-8"?><workbook/>'
BILLION_LAUGHS = b"""<?xml version="1.0"?>
<!DOCTYPE lolz [
 <!ENTITY lol "lol">
 <!ENTITY lol2 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;&lol;">
 <!ENTITY lol3 "&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;&lol2;">
]>
<workbook>&lol3;</workbook>"""


def refusal(path, limits: Limits = DEFAULT_LIMITS) -> Problem:
    """Check `path`, expect a refusal, and return its single problem."""
    with pytest.raises(UnsafeFileError) as caught:
        check_workbook_file(path, limits)
    (problem,) = caught.value.problems
    assert problem.file == str(path) and problem.location == ""
    assert "\n" not in problem.message and "\n" not in str(problem)
    return problem


def write_zip(path: Path, parts: dict[str, bytes], method: int = zipfile.ZIP_DEFLATED) -> Path:
    with zipfile.ZipFile(path, "w", method) as archive:
        for name, data in parts.items():
            archive.writestr(name, data)
    return path


def minimal_parts(**extra: bytes) -> dict[str, bytes]:
    return {"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.xml": WORKBOOK, **extra}


def patch_central_directory(path: Path, offset: int, fmt: str, value) -> None:
    """Overwrite one field in every central-directory record (our zips hold no other PK\\1\\2)."""
    data = bytearray(path.read_bytes())
    start = data.find(b"PK\x01\x02")
    assert start >= 0
    while start >= 0:
        struct.pack_into(fmt, data, start + offset, value(struct.unpack_from(fmt, data, start + offset)[0]))
        start = data.find(b"PK\x01\x02", start + 4)
    path.write_bytes(bytes(data))


@pytest.fixture
def xlsx(tmp_path) -> Path:
    path = tmp_path / "book.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["id", "answer"])
    wb.save(path)
    return path


@pytest.fixture(scope="module")
def bomb(tmp_path_factory) -> Path:
    """60 MB of zeros deflated to about 60 KB in the first worksheet."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.xlsx"
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", CONTENT_TYPES)
        archive.writestr("xl/workbook.xml", WORKBOOK)
        with archive.open("xl/worksheets/sheet1.xml", "w") as sheet:
            zeros = bytes(MB)
            for _ in range(60):
                sheet.write(zeros)
    return path


# --- plausible workbooks pass ------------------------------------------------------------


def test_openpyxl_workbook_passes(xlsx):
    assert check_workbook_file(xlsx) is None
    assert check_workbook_file(str(xlsx)) is None


def test_xlsm_with_macros_passes(xlsx, tmp_path):
    path = tmp_path / "macros.xlsm"
    with zipfile.ZipFile(xlsx) as source, zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            data = source.read(info)
            if info.filename == "[Content_Types].xml":
                data = data.replace(b"sheet.main+xml", b"sheet.macroEnabled.main+xml")
            target.writestr(info, data)
        target.writestr("xl/vbaProject.bin", OLE_MAGIC + bytes(4096))
    assert check_workbook_file(path) is None


def test_bom_utf16_and_comments_before_the_root_pass(tmp_path):
    utf16 = '<?xml version="1.0" encoding="UTF-16"?><workbook/>'.encode("utf-16")
    padded = b"<?xml version='1.0'?>\r\n<!-- a short comment --><workbook>" + b" " * 10_000 + b"</workbook>"
    path = write_zip(tmp_path / "ok.xlsx", minimal_parts(**{
        "xl/workbook.xml": b"\xef\xbb\xbf" + WORKBOOK,
        "xl/styles.xml": utf16,
        "xl/sharedStrings.xml": padded,
    }))
    assert check_workbook_file(path) is None


def test_check_only_reads_the_file(xlsx, bomb):
    for path in (xlsx, bomb):
        before, mtime = path.read_bytes(), path.stat().st_mtime_ns
        try:
            check_workbook_file(path)
        except UnsafeFileError:
            pass
        assert path.read_bytes() == before and path.stat().st_mtime_ns == mtime


def test_limits_are_frozen_with_documented_defaults():
    assert DEFAULT_LIMITS == Limits(max_file_bytes=20 * MB, max_entries=10_000, max_part_bytes=50 * MB,
                                    max_total_bytes=200 * MB, max_ratio=100, ratio_min_part_bytes=1 * MB)
    with pytest.raises(dataclasses.FrozenInstanceError):
        DEFAULT_LIMITS.max_entries = 1


# --- the path itself ------------------------------------------------------------------


def test_missing_file(tmp_path):
    assert "file not found" in refusal(tmp_path / "nope.xlsx").message
    assert "file not found" in refusal(tmp_path / "nope" / "book.xlsx").message


def test_directory(tmp_path):
    assert "folder, not a file" in refusal(tmp_path).message


def test_pipe_is_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe.xlsx"
    os.mkfifo(fifo)
    assert "not a regular file" in refusal(fifo).message


def test_unreadable_file(xlsx, monkeypatch):
    # Root (as in CI) can read a chmod-000 file, so make open() fail the way it would for a user.
    def denied(*args, **kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(guards, "open", denied, raising=False)
    assert "cannot be read (Permission denied)" in refusal(xlsx).message


def test_empty_file(tmp_path):
    path = tmp_path / "empty.xlsx"
    path.write_bytes(b"")
    assert "file is empty" in refusal(path).message


def test_file_above_the_size_cap(tmp_path):
    path = tmp_path / "huge.xlsx"
    with open(path, "wb") as file:
        file.truncate(20 * MB + 1)  # sparse: costs no disk or time
    problem = refusal(path)
    assert "too large" in problem.message and problem.expected == "at most 20.0 MB"


# --- OLE2 containers: encrypted workbooks and old .xls -------------------------------------


def test_encrypted_workbook(tmp_path):
    path = tmp_path / "secret.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(1000) + "EncryptedPackage".encode("utf-16-le") + bytes(1000))
    assert "password-protected (encrypted)" in refusal(path).message


def test_encrypted_workbook_with_directory_past_the_scanned_head(tmp_path):
    header = bytearray(OLE_MAGIC + bytes(504))
    struct.pack_into("<H", header, 0x1E, 9)  # 512-byte sectors
    struct.pack_into("<L", header, 0x30, 40)  # directory in sector 40, at byte 41 * 512
    directory = ("Root Entry".encode("utf-16-le").ljust(128, b"\0")
                 + "EncryptedPackage".encode("utf-16-le").ljust(128, b"\0")).ljust(512, b"\0")
    path = tmp_path / "secret.xlsx"
    path.write_bytes(bytes(header) + bytes(40 * 512) + directory)
    assert "password-protected" in refusal(path, Limits(ole_scan_bytes=4096)).message


def test_old_xls(tmp_path):
    path = tmp_path / "old.xlsx"
    path.write_bytes(OLE_MAGIC + bytes(4096) + "Workbook".encode("utf-16-le") + bytes(4096))
    assert "old Excel 97-2003 .xls file" in refusal(path).message


# --- not a zip -------------------------------------------------------------------------


@pytest.mark.parametrize("content, phrase", [
    (b"id;answer\r\nQ1;3\r\nQ2;caf\xe9\r\n", "CSV or text file"),
    ("id,answer\nQ1,3\n".encode("utf-16"), "CSV or text file"),
    (b"\xef\xbb\xbfid,answer\n", "CSV or text file"),
    (b"<!DOCTYPE html>\n<html><body><table></table></body></html>", "HTML web page"),
    (b'<html xmlns:o="urn:schemas-microsoft-com:office:office"><table/></html>', "HTML web page"),
    (b'<?xml version="1.0"?>\n<Workbook xmlns="urn:schemas-microsoft-com:office:spreadsheet"/>', "XML file"),
    (b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj", "PDF document"),
    (bytes(range(256)) * 4, "not a zip archive"),
])
def test_not_a_zip(tmp_path, content, phrase):
    path = tmp_path / "renamed.xlsx"
    path.write_bytes(content)
    assert phrase in refusal(path).message


def test_truncated_zip(xlsx):
    xlsx.write_bytes(xlsx.read_bytes()[:2000])
    assert "damaged or truncated" in refusal(xlsx).message


def test_zip_with_damaged_directory(xlsx):
    data = bytearray(xlsx.read_bytes())
    start = data.find(b"PK\x01\x02")
    data[start:start + 4] = b"XXXX"
    xlsx.write_bytes(bytes(data))
    assert "damaged or truncated" in refusal(xlsx).message


# --- the zip directory --------------------------------------------------------------------


def test_zip_bomb(bomb):
    problem = refusal(bomb)
    assert problem.message.startswith(
        "looks like a zip bomb: part xl/worksheets/sheet1.xml expands to 60.0 MB from ")
    assert problem.expected == "at most 100:1"


def test_high_ratio_under_lowered_limits(tmp_path):
    parts = minimal_parts(**{"xl/worksheets/sheet1.xml": bytes(200_000)})
    path = write_zip(tmp_path / "small-bomb.xlsx", parts)
    assert "zip bomb" in refusal(path, Limits(ratio_min_part_bytes=100_000)).message


def test_too_many_parts(xlsx):
    problem = refusal(xlsx, Limits(max_entries=5))
    assert "far more parts" in problem.message and problem.expected == "at most 5 parts"


def test_too_many_parts_even_when_the_end_record_lies(xlsx):
    data = bytearray(xlsx.read_bytes())
    end = data.rfind(b"PK\x05\x06")
    struct.pack_into("<HH", data, end + 8, 1, 1)  # entries on this disk, entries in total
    xlsx.write_bytes(bytes(data))
    assert "far more parts" in refusal(xlsx, Limits(max_entries=5)).message


def test_padded_central_directory(tmp_path):
    parts = minimal_parts(**{f"xl/{'x' * 900}{i}.bin": b"" for i in range(3)})
    path = write_zip(tmp_path / "padded.xlsx", parts)
    assert "far more parts" in refusal(path, Limits(max_entries=10)).message


def test_part_above_the_size_cap(tmp_path):
    path = write_zip(tmp_path / "big.xlsx", minimal_parts(**{"xl/media/image1.png": os.urandom(5000)}))
    problem = refusal(path, Limits(max_part_bytes=4000))
    assert "part xl/media/image1.png is too large" in problem.message


def test_total_above_the_size_cap(tmp_path):
    parts = minimal_parts(**{f"xl/media/image{i}.png": os.urandom(3000) for i in range(4)})
    path = write_zip(tmp_path / "big.xlsx", parts)
    assert "too large once unpacked" in refusal(path, Limits(max_total_bytes=10_000)).message


def test_overlapping_or_lying_entries(tmp_path):
    path = write_zip(tmp_path / "overlap.xlsx", minimal_parts(), zipfile.ZIP_STORED)
    patch_central_directory(path, 20, "<L", lambda size: size + 10_000)  # compressed size
    assert "overlap or misstate" in refusal(path).message


def test_encrypted_zip_entry(tmp_path):
    path = write_zip(tmp_path / "zipcrypto.xlsx", minimal_parts())
    patch_central_directory(path, 8, "<H", lambda flags: flags | 0x1)
    assert "encrypted with a zip password" in refusal(path).message


@pytest.mark.parametrize("name", ["../../evil.xml", "xl/../../evil.xml", "/etc/evil.xml", "C:/evil.xml",
                                  "xl\\..\\..\\evil.xml"])
def test_part_names_escaping_the_archive(tmp_path, name):
    path = write_zip(tmp_path / "slip.xlsx", minimal_parts(**{name: b"<x/>"}))
    assert "points outside the archive" in refusal(path).message


def test_unusual_compression_method(tmp_path):
    path = write_zip(tmp_path / "bz2.xlsx", minimal_parts(), zipfile.ZIP_BZIP2)
    assert "compression method Excel does not write" in refusal(path).message


# --- required parts ---------------------------------------------------------------------


@pytest.mark.parametrize("parts, phrase", [
    ({"[Content_Types].xml": CONTENT_TYPES, "data.csv": b"a,b"},
     "not an Excel workbook (no xl/workbook.xml)"),
    ({"xl/workbook.xml": WORKBOOK}, "not an Excel workbook (no [Content_Types].xml)"),
    ({"[Content_Types].xml": CONTENT_TYPES, "word/document.xml": b"<w/>"}, "Word document"),
    ({"[Content_Types].xml": CONTENT_TYPES, "ppt/presentation.xml": b"<p/>"}, "PowerPoint presentation"),
    ({"[Content_Types].xml": CONTENT_TYPES, "xl/workbook.bin": b"\x83\x01"}, "binary .xlsb workbooks"),
])
def test_required_parts(tmp_path, parts, phrase):
    assert phrase in refusal(write_zip(tmp_path / "other.xlsx", parts)).message


# --- XML parts ----------------------------------------------------------------------------


def test_billion_laughs_in_workbook(tmp_path):
    path = write_zip(tmp_path / "laughs.xlsx", minimal_parts(**{"xl/workbook.xml": BILLION_LAUGHS}))
    problem = refusal(path)
    assert "part xl/workbook.xml contains an XML DOCTYPE/entity declaration" in problem.message


@pytest.mark.parametrize("name, data", [
    ("xl/_rels/workbook.xml.rels", b'<?xml version="1.0"?><!doctype r SYSTEM "file:///etc/passwd"><r/>'),
    ("xl/worksheets/sheet1.xml", b'<?xml version="1.0"?><!ENTITY x SYSTEM "http://example.invalid/">'),
    ("xl/sharedStrings.xml", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE s><s/>'.encode("utf-16")),
    ("xl/styles.xml", '<?xml version="1.0" encoding="UTF-16"?><!DOCTYPE s><s/>'.encode("utf-16-be")),
    ("xl/drawings/vmlDrawing1.vml", b"<!DOCTYPE xml><xml/>"),
])
def test_doctype_or_entity_in_any_xml_part(tmp_path, name, data):
    path = write_zip(tmp_path / "xxe.xlsx", minimal_parts(**{name: data}))
    assert f"part {name} contains an XML DOCTYPE/entity declaration" in refusal(path).message


def test_doctype_hidden_behind_a_long_comment(tmp_path):
    hidden = b'<?xml version="1.0"?><!--' + b"x" * 10_000 + b"-->" + BILLION_LAUGHS.split(b"?>", 1)[1]
    path = write_zip(tmp_path / "hidden.xlsx", minimal_parts(**{"xl/workbook.xml": hidden}))
    assert "cannot be checked for a DOCTYPE" in refusal(path).message


def test_damaged_part(tmp_path):
    path = write_zip(tmp_path / "crc.xlsx", minimal_parts(), zipfile.ZIP_STORED)
    patch_central_directory(path, 16, "<L", lambda crc: crc ^ 0xFFFF)
    assert "damaged or truncated: part [Content_Types].xml cannot be read" in refusal(path).message
