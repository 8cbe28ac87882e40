"""The reader's limits: what one input file may hold before graphgov refuses it, named in each refusal.

They keep the work per input byte bounded (memory and time roughly linear in the file's
unpacked size) whatever a file holds: each is enforced while the file is streamed, so a
file past one is refused without being read to its end or held in memory. The largest
real lists (Beijing's 40,000-odd units, 13,500 needs a year) are far below every one of
them. docs/hardening.md lists them with the measured cost of each hostile file.
"""
from __future__ import annotations

__all__ = ["FileProblem", "MAX_FILE_BYTES", "MAX_ROWS", "MAX_BLANK_ROWS", "MAX_CELLS", "MAX_COLUMNS", "MAX_CELL",
           "MAX_XLSX_UNPACKED", "MAX_XLSX_PARTS", "MAX_XLSX_RATIO", "RATIO_FROM"]

MAX_FILE_BYTES = 100 * 1024 * 1024  # one CSV file or workbook, as stored
MAX_ROWS = 500_000  # filled rows in one table
MAX_BLANK_ROWS = 10_000  # empty rows one after another (a sheet padded to the bottom, a file of separators)
MAX_CELLS = 10_000_000  # filled cells in one table, all columns counted
MAX_COLUMNS = 1_000  # cells in one row (empty cells past it, as spreadsheets pad rows, are ignored)
MAX_CELL = 10_000  # characters in one cell
MAX_XLSX_UNPACKED = 512 * 1024 * 1024  # a workbook's parts once unzipped (zip bombs)
MAX_XLSX_PARTS = 10_000  # files inside one workbook
MAX_XLSX_RATIO = 100  # a part unpacking to more than this many times its packed size …
RATIO_FROM = 16 * 1024 * 1024  # … once it unpacks to more than this (small parts compress well legitimately)


class FileProblem(Exception):
    """A whole file (or sheet) refused: past a limit, or unreadable. ``row`` when the stream knew where."""

    def __init__(self, message: str, fix: str, row: int | None = None):
        super().__init__(message)
        self.message, self.fix, self.row = message, fix, row
