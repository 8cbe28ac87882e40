"""Write the corpus of small hostile inputs: python tests/data/hostile/make_hostile.py OUT_FOLDER

Each case is the good dataset (tests/data/good) with one table replaced by something that
costs a naive reader gigabytes or hours: zip bombs of empty rows, a sheet whose dimension
claims every cell, far cells, one enormous cell, entity expansion, external entities, a
file of separators, a 20,000-deep hierarchy, UTF-16 without a byte-order mark. The files
are written on demand (the test writes them into its tmp_path), so the repository keeps
only this script. Every case names what ``graphgov check`` must answer: the exit code and,
for a refusal, where (``file[:row[:column]]``) and the words of the message.
"""
from __future__ import annotations

import shutil
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path
from typing import Callable
from xml.sax.saxutils import escape

import pandas as pd

GOOD = Path(__file__).resolve().parent.parent / "good"
SHEETS = ["areas", "committees", "units", "party_orgs", "memberships", "agreements", "needs", "resources", "projects",
          "participations"]


@dataclass(frozen=True)
class Case:
    name: str
    write: Callable[[Path], Path]  # writes the case under a folder, returns the path to check
    exit_code: int  # 1: refused; 0: read within its budget
    location: str = ""  # the refusal starts with this (file, sheet, row, column)
    words: str = ""  # … and says this


# ---- workbooks written part by part, so any part can be hostile -----------------------------------

def _col(n: int) -> str:
    out = ""
    while n:
        n, r = divmod(n - 1, 26)
        out = chr(65 + r) + out
    return out


def _sheet_rows(table: str) -> list[list[str]]:
    df = pd.read_csv(GOOD / f"{table}.csv", dtype=str, keep_default_na=False)
    return [list(df.columns)] + df.values.tolist()


def _row_xml(r: int, values: list[str]) -> str:
    cells = "".join(f'<c r="{_col(i + 1)}{r}" t="inlineStr"><is><t>{escape(v)}</t></is></c>'
                    for i, v in enumerate(values) if v != "")
    return f'<row r="{r}">{cells}</row>'


def sheet_xml(rows: list[list[str]], dimension: str | None = None, head: str = "", tail: str = "") -> str:
    dim = f'<dimension ref="{dimension}"/>' if dimension else ""
    body = "".join(_row_xml(i + 1, r) for i, r in enumerate(rows))
    return (f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>{head}'
            f'<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">{dim}'
            f'<sheetData>{body}{tail}</sheetData></worksheet>')


def write_workbook(path: Path, sheets: dict[str, str], shared: str | None = None,
                   extra: dict[str, bytes] | None = None) -> Path:
    """A minimal .xlsx: one part per sheet (name → sheet XML), optional sharedStrings and extra parts."""
    names = list(sheets)
    types = "".join(f'<Override PartName="/xl/worksheets/sheet{i + 1}.xml" ContentType="application/'
                    f'vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>' for i in range(len(names)))
    if shared is not None:
        types += ('<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                  'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
    parts = {
        "[Content_Types].xml": '<?xml version="1.0" encoding="UTF-8"?><Types xmlns="http://schemas.openxmlformats.org/'
        'package/2006/content-types"><Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
        'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/><Override PartName="/xl/'
        'workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        + types + "</Types>",
        "_rels/.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.openxmlformats.org/'
        'package/2006/relationships"><Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/'
        '2006/relationships/officeDocument" Target="xl/workbook.xml"/></Relationships>',
        "xl/workbook.xml": '<?xml version="1.0" encoding="UTF-8"?><workbook xmlns="http://schemas.openxmlformats.org/'
        'spreadsheetml/2006/main" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
        "<sheets>" + "".join(f'<sheet name="{n}" sheetId="{i + 1}" r:id="rId{i + 1}"/>' for i, n in enumerate(names))
        + "</sheets></workbook>",
        "xl/_rels/workbook.xml.rels": '<?xml version="1.0" encoding="UTF-8"?><Relationships xmlns="http://schemas.'
        'openxmlformats.org/package/2006/relationships">' + "".join(
            f'<Relationship Id="rId{i + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
            f'worksheet" Target="worksheets/sheet{i + 1}.xml"/>' for i in range(len(names)))
        + (f'<Relationship Id="rId{len(names) + 1}" Type="http://schemas.openxmlformats.org/officeDocument/2006/'
           f'relationships/sharedStrings" Target="sharedStrings.xml"/>' if shared is not None else "")
        + "</Relationships>",
    }
    for i, n in enumerate(names):
        parts[f"xl/worksheets/sheet{i + 1}.xml"] = sheets[n]
    if shared is not None:
        parts["xl/sharedStrings.xml"] = shared
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as z:
        for name, text in parts.items():
            z.writestr(name, text)
        for name, data in (extra or {}).items():
            z.writestr(name, data)
    return path


def good_sheets() -> dict[str, str]:
    return {t: sheet_xml(_sheet_rows(t)) for t in SHEETS}


def book_with(folder: Path, table: str, sheet: str, **kw) -> Path:
    sheets = good_sheets()
    sheets[table] = sheet
    return write_workbook(folder / "book.xlsx", sheets, **kw)


def _streamed_rows(xml_rows) -> str:
    return "".join(xml_rows)


# ---- the cases ----------------------------------------------------------------------------------------

def far_dimension(folder: Path) -> Path:
    """The issue's 73 KB file: a dimension of A1:XFD1048576 and one far cell (27 minutes of CPU before)."""
    far = '<row r="1048576"><c r="XFD1048576" t="inlineStr"><is><t>x</t></is></c></row>'
    return book_with(folder, "units", sheet_xml(_sheet_rows("units"), "A1:XFD1048576", tail=far))


def far_cells(folder: Path) -> Path:
    """Two thousand rows, each with a cell in the sheet's last column."""
    rows = _sheet_rows("units")
    tail = "".join(f'<row r="{r}"><c r="A{r}" t="inlineStr"><is><t>U{r}</t></is></c>'
                   f'<c r="XFD{r}" t="inlineStr"><is><t>x</t></is></c></row>' for r in range(len(rows) + 1, 2_000))
    return book_with(folder, "units", sheet_xml(rows, tail=tail))


def empty_rows_bomb(folder: Path) -> Path:
    """40 MB of empty rows packed into a few dozen KB (the issue's reached 15.8 GB and kept growing)."""
    return book_with(folder, "units", sheet_xml(_sheet_rows("units"), tail="<row/>" * 7_000_000))


def empty_rows_numbered(folder: Path) -> Path:
    """A million numbered empty rows: packed loosely enough to pass the ratio check, caught while streaming."""
    rows = _sheet_rows("units")
    tail = "".join(f'<row r="{r}" spans="1:5" ht="15"/>' for r in range(len(rows) + 1, 1_000_000))
    return book_with(folder, "units", sheet_xml(rows, tail=tail))


def huge_shared_cell(folder: Path) -> Path:
    """One cell of 64 MB in the shared strings, packed into about 64 KB (1.9 GB before it was refused)."""
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              f'2006/main" count="1" uniqueCount="1"><si><t>{"长" * (64 * 2**20 // 3)}</t></si></sst>')
    rows = _sheet_rows("units")
    tail = f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="s"><v>0</v></c></row>'
    return book_with(folder, "units", sheet_xml(rows, tail=tail), shared=shared)


def big_inline_cell(folder: Path) -> Path:
    """A 2 MB cell inline: under the ratio check, refused as a cell past MAX_CELL, naming row and column."""
    rows = _sheet_rows("units") + [["U9", "长" * 2_000_000, "government", "", "A3"]]
    return book_with(folder, "units", sheet_xml(rows))


def billion_laughs(folder: Path) -> Path:
    lol = '<!DOCTYPE lolz [<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol%s;" % (i - 1 if i > 1 else "")) * 10}">' for i in range(1, 10)) + "]>"
    rows = _sheet_rows("units")
    tail = f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="inlineStr"><is><t>&lol9;</t></is></c></row>'
    return book_with(folder, "units", sheet_xml(rows, head=lol, tail=tail))


def external_entity(folder: Path) -> Path:
    head = '<!DOCTYPE x [<!ENTITY secret SYSTEM "file:///etc/passwd">]>'
    rows = _sheet_rows("units")
    tail = f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="inlineStr"><is><t>&secret;</t></is></c></row>'
    return book_with(folder, "units", sheet_xml(rows, head=head, tail=tail))


def broken_xml(folder: Path) -> Path:
    """A sheet whose markup breaks after the first rows."""
    return book_with(folder, "units", sheet_xml(_sheet_rows("units"), tail='<row r="9"><c r="A9"><v>1</c></row>'))


def too_many_parts(folder: Path) -> Path:
    extra = {f"xl/media/pad{i}.bin": b"" for i in range(10_001)}
    return write_workbook(folder / "book.xlsx", good_sheets(), extra=extra)


def bad_shared_index(folder: Path) -> Path:
    rows = _sheet_rows("units")
    tail = f'<row r="{len(rows) + 1}"><c r="A{len(rows) + 1}" t="s"><v>99999</v></c></row>'
    shared = ('<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/'
              '2006/main" count="1" uniqueCount="1"><si><t>x</t></si></sst>')
    return book_with(folder, "units", sheet_xml(rows, tail=tail), shared=shared)


def good_folder(folder: Path) -> Path:
    out = folder / "data"
    shutil.copytree(GOOD, out)
    return out


def comma_rows(folder: Path) -> Path:
    """Five million rows of separators, 25 MB (accepted after 44 s before)."""
    out = good_folder(folder)
    with open(out / "needs.csv", "a", encoding="utf-8") as fh:
        for _ in range(50):
            fh.write(",,,,\n" * 100_000)
    return out


def huge_csv_cell(folder: Path) -> Path:
    out = good_folder(folder)
    with open(out / "units.csv", "a", encoding="utf-8") as fh:
        fh.write("U9," + "x" * 20_000_000 + ",government,,A3\n")
    return out


def wide_row(folder: Path) -> Path:
    out = good_folder(folder)
    with open(out / "units.csv", "a", encoding="utf-8") as fh:
        fh.write("U9,x,government,,A3" + ",y" * 1_000_000 + "\n")
    return out


def _chain(n: int, closed: bool) -> str:
    lines = ["id,name,level,parent_id", "A0,北京市,city,", "A1,朝阳区,district,A0", "A2,东风地区,street,A1",
             "A3,朝阳站站区,station_area,A2"]
    lines.append(f"D0,链0,grid,{f'D{n - 1}' if closed else 'A3'}")
    lines += [f"D{i},链{i},grid,D{i - 1}" for i in range(1, n)]
    return "\n".join(lines) + "\n"


def deep_chain(folder: Path) -> Path:
    """20,000 areas in one parent chain, 654 KB (did not finish in 10 minutes before)."""
    out = good_folder(folder)
    (out / "areas.csv").write_text(_chain(20_000, closed=False), encoding="utf-8")
    return out


def deep_circle(folder: Path) -> Path:
    """The same chain closed into one circle of 20,000: one error, not one per row."""
    out = good_folder(folder)
    (out / "areas.csv").write_text(_chain(20_000, closed=True), encoding="utf-8")
    return out


def utf16_without_bom(folder: Path) -> Path:
    """Units in UTF-16 without a byte-order mark ("a binary file" before)."""
    out = good_folder(folder)
    text = (GOOD / "units.csv").read_text(encoding="utf-8")
    (out / "units.csv").write_bytes(text.encode("utf-16-le"))
    return out


U = "book.xlsx[units]"
CASES = [
    Case("xlsx_far_dimension", far_dimension, 1, f"{U}:10006:", "more than 10,000 empty rows one after another"),
    Case("xlsx_far_cells", far_cells, 1, f"{U}:6:", "16,384 cells, more than graphgov's limit of 1,000 columns"),
    Case("xlsx_empty_rows_bomb", empty_rows_bomb, 1, "book.xlsx:", "times its size (MAX_XLSX_RATIO)"),
    Case("xlsx_empty_rows_numbered", empty_rows_numbered, 1, f"{U}:10006:", "more than 10,000 empty rows"),
    Case("xlsx_huge_shared_cell", huge_shared_cell, 1, "book.xlsx:", "xl/sharedStrings.xml unpacks to 64 MB"),
    Case("xlsx_big_inline_cell", big_inline_cell, 1, f"{U}:6:name:", "2,000,000 characters, more than 10,000"),
    Case("xlsx_billion_laughs", billion_laughs, 1, "book.xlsx:", "declares a DTD or entities"),
    Case("xlsx_external_entity", external_entity, 1, "book.xlsx:", "declares a DTD or entities"),
    Case("xlsx_broken_xml", broken_xml, 1, f"{U}:", "its XML is malformed"),
    Case("xlsx_too_many_parts", too_many_parts, 1, "book.xlsx:", "more than graphgov's limit of 10,000"),
    Case("xlsx_bad_shared_index", bad_shared_index, 1, f"{U}:6:", "the sheet cannot be read"),
    Case("csv_comma_rows", comma_rows, 1, "needs.csv:10004:", "more than 10,000 empty rows one after another"),
    Case("csv_huge_cell", huge_csv_cell, 1, "units.csv:", "graphgov's limit is 10,000"),
    Case("csv_wide_row", wide_row, 1, "units.csv:6:", "more than graphgov's limit of 1,000 columns"),
    Case("csv_deep_chain", deep_chain, 0),
    Case("csv_deep_circle", deep_circle, 1, "areas.csv:6:parent_id:", "goes round in a circle: D0 → D1"),
    Case("csv_utf16_without_bom", utf16_without_bom, 0),
]


def unpacked_size(path: Path) -> int:
    """Bytes a reader must take in: a folder's files, or a workbook's parts once unzipped."""
    if path.is_dir():
        return sum(p.stat().st_size for p in path.iterdir())
    with zipfile.ZipFile(path) as z:
        return sum(i.file_size for i in z.infolist())


def main(out: str) -> None:
    root = Path(out)
    for case in CASES:
        path = case.write(root / case.name)
        print(f"{case.name:<26} {path.stat().st_size if path.is_file() else unpacked_size(path):>12,} bytes  "
              f"{unpacked_size(path):>13,} unpacked  {path}")


if __name__ == "__main__":
    main(sys.argv[1] if len(sys.argv) > 1 else "hostile-corpus")
