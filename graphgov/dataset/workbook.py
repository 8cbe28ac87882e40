"""Reading .xlsx workbooks with bounded work: the archive checked before unzipping, rows streamed.

An .xlsx file is a zip of XML parts, so a small file can hold a great deal: a zip bomb of
empty rows, a sheet whose ``<dimension>`` claims all 17 billion cells, one cell of 900 MB,
XML that declares entities. Before openpyxl sees the file, :func:`check_archive` reads the
zip's table of contents and refuses too many parts, too much unpacked data, or a part that
unpacks to more than :data:`~graphgov.dataset.limits.MAX_XLSX_RATIO` times its size. Sheets
are then read in openpyxl's read-only (streaming) mode with the sheet's claimed dimension
ignored, so a row is as wide as its last filled cell and missing rows cost nothing; the
reader counts rows, empty rows and cells as they stream (:mod:`graphgov.dataset.reader`).
XML the parser refuses (entity expansion, external entities, broken markup) becomes a
message naming the sheet, not a traceback.
"""
from __future__ import annotations

import contextlib
import zipfile
import zlib
from pathlib import Path
from typing import Iterator
from xml.etree.ElementTree import ParseError

from graphgov.dataset import limits
from graphgov.dataset.limits import FileProblem

__all__ = ["check_archive", "sheets"]

_RESAVE = "save it again from Excel or WPS (or as CSV)"
# what openpyxl and the zip and XML layers raise for a part they cannot read
_UNREADABLE = (ParseError, zipfile.BadZipFile, zlib.error, EOFError, KeyError, IndexError, ValueError, TypeError,
               AttributeError, OSError)


def _mb(n: int) -> str:
    return f"{n / 2**20:,.0f} MB"


def check_archive(path: Path) -> None:
    """Refuse a workbook whose parts are too many, too big unpacked, packed too tightly, or declare a DTD.

    Only the zip's table of contents and each XML part's prolog are read. The sizes the
    table declares bound what unzipping can produce: Python's zip reader stops at the
    declared size and checks the CRC. Raises FileProblem.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            _check_parts(archive)
    except (zipfile.BadZipFile, zlib.error, OSError, ValueError, EOFError) as err:
        raise FileProblem(f"the workbook cannot be opened ({err.__class__.__name__}: {err})",
                          "the file may be truncated or not an .xlsx; " + _RESAVE) from err


def _check_parts(archive: zipfile.ZipFile) -> None:
    parts = archive.infolist()
    if len(parts) > limits.MAX_XLSX_PARTS:
        raise FileProblem(f"the workbook holds {len(parts):,} parts, more than graphgov's limit of "
                          f"{limits.MAX_XLSX_PARTS:,} (MAX_XLSX_PARTS)", _RESAVE)
    unpacked = sum(p.file_size for p in parts)
    if unpacked > limits.MAX_XLSX_UNPACKED:
        raise FileProblem(f"the workbook unpacks to {_mb(unpacked)}, more than graphgov's limit of "
                          f"{_mb(limits.MAX_XLSX_UNPACKED)} (MAX_XLSX_UNPACKED)",
                          "split the workbook, or " + _RESAVE)
    for p in parts:
        if p.file_size > limits.RATIO_FROM and p.file_size > limits.MAX_XLSX_RATIO * max(p.compress_size, 1):
            raise FileProblem(f"the part {p.filename} unpacks to {_mb(p.file_size)} from "
                              f"{p.compress_size / 1024:,.0f} KB, more than {limits.MAX_XLSX_RATIO} times its size "
                              f"(MAX_XLSX_RATIO): a zip bomb, or a sheet padded with millions of empty rows or "
                              f"one enormous cell", "delete the empty rows and columns, or " + _RESAVE)
        if p.filename.endswith((".xml", ".rels")) and _declares_dtd(archive, p):
            raise FileProblem(f"the part {p.filename} declares a DTD or entities, which no spreadsheet program "
                              f"writes and graphgov does not read (entity expansion, external entities)", _RESAVE)


_PROLOG = 64 * 1024


def _declares_dtd(archive: zipfile.ZipFile, part: zipfile.ZipInfo) -> bool:
    """Whether an XML part declares a DTD (``<!DOCTYPE``, ``<!ENTITY``) before its first element.

    Office Open XML forbids DTDs; a part with one is built to expand entities or reach
    files. Only the prolog is read (at most 64 KB): a prolog longer than that counts too.
    """
    with archive.open(part) as fh:
        head = fh.read(_PROLOG)
    text = head.lstrip(b"\xef\xbb\xbf")
    i = 0
    while True:
        i = text.find(b"<", i)
        if i < 0:
            return len(head) >= _PROLOG  # no element in the first 64 KB: not a plain prolog
        nxt = text[i + 1:i + 2]
        if nxt.isalpha():
            return False  # the root element: no DTD before it
        if text.startswith((b"<!DOCTYPE", b"<!ENTITY"), i):
            return True
        i += 1


def sheets(path: Path) -> Iterator[tuple[str, Iterator[tuple]]]:
    """Each sheet's title and its rows (tuples of values, as wide as the row's last cell), streamed.

    Raises FileProblem for a workbook that cannot be opened; a sheet that fails while
    streaming raises FileProblem from its row iterator, naming the row reached.
    """
    from openpyxl import load_workbook

    check_archive(path)
    try:
        # data_only: a formula cell reads as the value Excel last computed, never as its formula
        with _dimensions_unread():
            book = load_workbook(path, read_only=True, data_only=True)
    except _UNREADABLE as err:
        raise FileProblem(f"the workbook cannot be opened ({_describe(err)})",
                          "the file may be truncated or not an .xlsx; " + _RESAVE) from err
    try:
        for sheet in book.worksheets:
            yield sheet.title, _rows(sheet)
    finally:
        book.close()


@contextlib.contextmanager
def _dimensions_unread():
    """While opening: skip openpyxl's look for each sheet's ``<dimension>``, which graphgov ignores.

    openpyxl (3.1) looks for it when a read-only workbook is opened, and a sheet without
    one is parsed to its end to find out: a sheet of a million empty rows costs its whole
    size before the first row is read. Patched for the call only, and put back after.
    """
    from openpyxl.worksheet._read_only import ReadOnlyWorksheet

    original = ReadOnlyWorksheet._get_size
    ReadOnlyWorksheet._get_size = lambda self: None
    try:
        yield
    finally:
        ReadOnlyWorksheet._get_size = original


def _rows(sheet) -> Iterator[tuple]:
    # The claimed dimension is not trusted: with it, every row would be padded to its width
    # and every missing row up to its height produced (A1:XFD1048576 is 17 billion cells).
    if hasattr(sheet, "reset_dimensions"):
        sheet.reset_dimensions()
    row = 0
    try:
        for values in sheet.iter_rows(values_only=True):
            row += 1
            yield values
    except _UNREADABLE as err:
        raise FileProblem(f"the sheet cannot be read after row {row:,} ({_describe(err)})",
                          "the sheet's XML is broken or declares entities, which graphgov does not read; "
                          + _RESAVE, row + 1) from err


def _describe(err: Exception) -> str:
    if isinstance(err, ParseError):
        return f"its XML is malformed or declares entities: {err}"[:300]
    return f"{err.__class__.__name__}: {err}"[:300]
