"""A small dataset with known answers for the analyses (central actors and gaps).

Two sectors on two streets: a transport committee C1 (T1–T4, A1, P1, P2 and the street
office B) and an education alliance C2 (E1–E4 and B). B sits on both and has no other
tie between them, so it bridges the sectors. Planted answers, as of 2025-12-31:

- P1 and P2 are paper members (no project, agreement, need or resource);
  A1 takes part in one project only and is not;
- B ranks first in betweenness, is the only articulation point and a single broker;
- legal (法律服务) has two open needs and no resource: a supply gap;
- N2 and N3 (legal, raised 2025-01-01, 364 days) are unmet; N1 is addressed by PJ1;
  N4 is young and has a resource in reach, so it is not reported;
- C2 has no project and met once against a quarterly cadence: an idle committee;
- T4 (needs driver training) and E3 (offers training) are the suggested tie;
- the transport and education sectors are joined only through B.
"""
from __future__ import annotations

AS_OF = "2025-12-31"

TRANSPORT = ["T1", "T2", "T3", "T4", "A1", "P1", "P2"]
EDUCATION = ["E1", "E2", "E3", "E4"]


def planted_tables() -> dict[str, list[dict]]:
    names = {
        "T1": ("北京铁路站务段", "railway"), "T2": ("地铁运营分公司", "transit"), "T3": ("公交客运分公司", "transit"),
        "T4": ("出租汽车公司", "private_enterprise"), "A1": ("站前物流公司", "private_enterprise"),
        "P1": ("站前旅业公司", "private_enterprise"), "P2": ("武警执勤中队", "military"),
        "E1": ("第一中学", "school"), "E2": ("第二小学", "school"), "E3": ("师范大学", "university"),
        "E4": ("交通职业学院", "school"), "B": ("东风街道办事处", "government"),
    }
    units = []
    for uid, (name, utype) in names.items():
        sector, area = ("交通", "S1") if uid in TRANSPORT else ("教育", "S2") if uid in EDUCATION else ("街道", "D1")
        units.append({"id": uid, "name": name, "type": utype, "sector": sector, "area_id": area})
    members = [{"unit_id": u, "committee_id": "C1", "role": "成员单位", "since": "2022-01-01"} for u in TRANSPORT + ["B"]]
    members += [{"unit_id": u, "committee_id": "C2", "role": "成员单位", "since": "2022-01-01"} for u in EDUCATION + ["B"]]
    return {
        "areas": [
            {"id": "D1", "name": "示范区", "level": "district"},
            {"id": "S1", "name": "站前街道", "level": "street", "parent_id": "D1"},
            {"id": "S2", "name": "学院路街道", "level": "street", "parent_id": "D1"},
        ],
        "committees": [
            {"id": "C1", "name": "站前交通党建协调委员会", "level": "street", "area_id": "S1",
             "cadence": "monthly", "meetings": 12},
            {"id": "C2", "name": "学院路教育党建联盟", "level": "alliance", "area_id": "S2",
             "cadence": "quarterly", "meetings": 1},
        ],
        "units": units,
        "memberships": members,
        "agreements": [
            {"unit_a": "E1", "unit_b": "E2", "kind": "co_building"},
            {"unit_a": "E3", "unit_b": "E4", "kind": "think_tank"},
            {"unit_a": "T2", "unit_b": "T3", "kind": "co_building"},
        ],
        "party_orgs": [
            {"id": "PO1", "name": "站务段党委", "unit_id": "T1", "type": "committee"},
            {"id": "PO2", "name": "地铁分公司党支部", "unit_id": "T2", "type": "branch", "parent_id": "PO1"},
        ],
        "needs": [
            {"id": "N1", "title": "夜间接驳公交", "category": "transport", "unit_id": "T2", "area_id": "S1",
             "raised": "2025-03-01", "urgency": "medium", "status": "open"},
            {"id": "N2", "title": "职工劳动合同咨询", "category": "legal", "unit_id": "T1", "area_id": "S1",
             "raised": "2025-01-01", "urgency": "high", "status": "open"},
            {"id": "N3", "title": "校园法治课", "category": "legal", "unit_id": "E1", "area_id": "S2",
             "raised": "2025-01-01", "urgency": "medium", "status": "open"},
            {"id": "N4", "title": "驾驶员服务礼仪培训", "category": "education", "unit_id": "T4", "area_id": "S1",
             "raised": "2025-11-20", "urgency": "medium", "status": "open"},
        ],
        "resources": [
            {"id": "R1", "title": "公交应急运力", "category": "transport", "unit_id": "T3", "area_id": "S1", "capacity": 5},
            {"id": "R2", "title": "职业培训课程", "category": "education", "unit_id": "E3", "area_id": "S2", "capacity": 3},
            {"id": "R3", "title": "街道党群活动室", "category": "venue", "unit_id": "B", "area_id": "D1", "capacity": 1},
        ],
        "projects": [
            {"id": "PJ1", "title": "夜间接驳专线", "category": "transport", "lead_unit_id": "T1", "status": "active",
             "start_date": "2025-04-01", "need_ids": "N1"},
            {"id": "PJ2", "title": "站前秩序联合巡查", "category": "safety", "lead_unit_id": "T3", "status": "active",
             "start_date": "2025-02-01"},
        ],
        "participations": [
            {"project_id": "PJ1", "unit_id": "T2", "role": "参与"},
            {"project_id": "PJ1", "unit_id": "A1", "role": "参与"},
            {"project_id": "PJ2", "unit_id": "T4", "role": "参与"},
        ],
    }
