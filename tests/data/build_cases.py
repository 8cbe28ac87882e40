"""Regenerate the library of test datasets in this folder: python tests/data/build_cases.py

good/          a small valid dataset (UTF-8), with good_gb18030/, good_bom/ and good.xlsx (Chinese names)
bad/<case>/    the good dataset with exactly one kind of error
"""
from __future__ import annotations

import shutil
from pathlib import Path

import pandas as pd

HERE = Path(__file__).resolve().parent

GOOD = {
    "areas": [
        {"id": "A0", "name": "北京市", "level": "city", "parent_id": ""},
        {"id": "A1", "name": "朝阳区", "level": "district", "parent_id": "A0"},
        {"id": "A2", "name": "东风地区", "level": "street", "parent_id": "A1"},
        {"id": "A3", "name": "朝阳站站区", "level": "station_area", "parent_id": "A2"},
    ],
    "committees": [
        {"id": "C1", "name": "朝阳站地区党建工作协调委员会", "level": "station_area", "area_id": "A3", "parent_id": "",
         "cadence": "monthly", "meetings": "12"},
    ],
    "units": [
        {"id": "U1", "name": "国铁朝阳站", "type": "railway", "sector": "铁路", "area_id": "A3"},
        {"id": "U2", "name": "北京地铁朝阳站", "type": "transit", "sector": "交通", "area_id": "A3"},
        {"id": "U3", "name": "东风地区办事处", "type": "government", "sector": "政府", "area_id": "A2"},
        {"id": "U4", "name": "中国人民大学", "type": "university", "sector": "教育", "area_id": "A1"},
    ],
    "party_orgs": [
        {"id": "O1", "name": "国铁朝阳站党总支", "unit_id": "U1", "type": "general_branch", "parent_id": "", "members": "45"},
        {"id": "O2", "name": "客运车间党支部", "unit_id": "U1", "type": "branch", "parent_id": "O1", "members": "18"},
    ],
    "memberships": [
        {"unit_id": "U1", "committee_id": "C1", "role": "成员", "since": "2022-03-01"},
        {"unit_id": "U2", "committee_id": "C1", "role": "成员", "since": "2022-03-01"},
        {"unit_id": "U3", "committee_id": "C1", "role": "主任单位", "since": "2022-03-01"},
    ],
    "agreements": [
        {"unit_a": "U3", "unit_b": "U4", "kind": "党建+智库", "signed": "2023-05-10"},
    ],
    "needs": [
        {"id": "N1", "title": "高峰时段换乘引导志愿者", "category": "volunteering", "unit_id": "U1", "area_id": "A3",
         "raised": "2024-01-08", "urgency": "high", "quantity": "6", "status": "open"},
        {"id": "N2", "title": "站前广场夜间停车秩序", "category": "parking", "unit_id": "U2", "area_id": "A3",
         "raised": "2024-02-20", "urgency": "medium", "quantity": "1", "status": "open"},
    ],
    "resources": [
        {"id": "R1", "title": "大学生志愿服务队", "category": "volunteering", "unit_id": "U4", "area_id": "A1",
         "capacity": "20", "available_until": "2025-12-31"},
    ],
    "projects": [
        {"id": "P1", "title": "清洁站区行动", "category": "environment", "lead_unit_id": "U3", "status": "active",
         "start": "2024-03-01", "end": "2024-12-31", "need_ids": "N1"},
    ],
    "participations": [
        {"project_id": "P1", "unit_id": "U1", "role": "参与"},
        {"project_id": "P1", "unit_id": "U3", "role": "牵头"},
    ],
}


def write(folder: Path, tables: dict, encoding: str = "utf-8", skip: tuple = ()) -> None:
    if folder.exists():
        shutil.rmtree(folder)
    folder.mkdir(parents=True)
    for name, rows in tables.items():
        if name in skip:
            continue
        pd.DataFrame(rows).to_csv(folder / f"{name}.csv", index=False, encoding=encoding)


def variant(**changes) -> dict:
    """GOOD with some rows changed: changes maps table -> function(rows) -> rows."""
    import copy

    tables = copy.deepcopy(GOOD)
    for name, fn in changes.items():
        tables[name] = fn(tables[name])
    return tables


def setcell(row: int, **values):
    def fn(rows):
        rows[row].update(values)
        return rows
    return fn


def main() -> None:
    write(HERE / "good", GOOD)
    write(HERE / "good_gb18030", GOOD, encoding="gb18030")
    write(HERE / "good_bom", GOOD, encoding="utf-8-sig")
    from graphgov.dataset.checks import read_and_check
    from graphgov.dataset.reader import write_dataset

    write_dataset(read_and_check(HERE / "good").tables, HERE / "good.xlsx", fmt="xlsx", lang="zh")

    bad = HERE / "bad"
    if bad.exists():
        shutil.rmtree(bad)
    cases = {
        "missing_table": (GOOD, ("needs",)),
        "missing_column": (variant(needs=lambda rows: [{k: v for k, v in r.items() if k != "category"} for r in rows]), ()),
        "empty_required": (variant(units=setcell(2, name="")), ()),
        "duplicate_id": (variant(units=lambda rows: rows + [dict(rows[1], name="重复的单位")]), ()),
        "missing_reference": (variant(needs=setcell(1, unit_id="U999")), ()),
        "bad_enum": (variant(units=setcell(3, type="宇宙飞船")), ()),
        "bad_date": (variant(needs=setcell(0, raised="2024-13-45")), ()),
        "bad_number": (variant(resources=setcell(0, capacity="很多")), ()),
        "negative_capacity": (variant(resources=setcell(0, capacity="-3")), ()),
        "negative_quantity": (variant(needs=setcell(1, quantity="-1")), ()),
        "area_cycle": (variant(areas=setcell(0, parent_id="A3")), ()),
        "own_parent": (variant(party_orgs=setcell(1, parent_id="O2")), ()),
        "self_agreement": (variant(agreements=setcell(0, unit_b="U3")), ()),
        "id_with_space": (variant(units=setcell(1, id="U 2")), ()),
        "bad_need_list": (variant(projects=setcell(0, need_ids="N1;N7")), ()),
        "no_units": (variant(units=lambda rows: []), ()),
        # no committees and so no memberships: the empty committees table is the only error
        "no_committees": (variant(committees=lambda rows: [], memberships=lambda rows: []), ()),
    }
    for name, (tables, skip) in cases.items():
        write(bad / name, tables, skip=skip)
    # a header-only units file: drop the rows but keep the header
    (bad / "no_units" / "units.csv").write_text("id,name,type,sector,area_id\n", encoding="utf-8")
    (bad / "no_committees" / "committees.csv").write_text("id,name,level,area_id,parent_id,cadence,meetings\n",
                                                          encoding="utf-8")
    (bad / "no_committees" / "memberships.csv").write_text("unit_id,committee_id,role,since\n", encoding="utf-8")
    # files that are not CSV text at all
    write(bad / "binary_file", GOOD)
    (bad / "binary_file" / "units.csv").write_bytes(bytes(range(256)) * 8)
    write(bad / "empty_file", GOOD)
    (bad / "empty_file" / "needs.csv").write_bytes(b"")
    write(bad / "mixed_encoding", GOOD)
    text = (bad / "mixed_encoding" / "needs.csv").read_text(encoding="utf-8")
    head, rest = text.split("\n", 1)
    (bad / "mixed_encoding" / "needs.csv").write_bytes(head.encode("utf-8") + b"\n" + rest.encode("utf-8")
                                                       + "N3,社区养老助餐,elderly_care,U3\n".encode("gb18030"))
    data = (HERE / "good.xlsx").read_bytes()
    (bad / "truncated.xlsx").write_bytes(data[: len(data) // 2])


if __name__ == "__main__":
    main()
