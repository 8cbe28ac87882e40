"""The one schema definition: tables, columns, graph labels and relationship types.

Everything that needs to know the shape of a dataset reads it from here: the reader
(which headers and sheet names to accept), the checks (required columns, types,
enumerations, references), both graph stores (node and relationship tables, Neo4j
constraints) and the documentation (``graphgov schema --format markdown``).

Names in code are English; the Chinese names a committee's spreadsheets use are
aliases kept as data in this module and in :mod:`graphgov.dataset.vocab`.
"""
from __future__ import annotations

from dataclasses import dataclass, field

__all__ = [
    "Column",
    "Table",
    "Relation",
    "TABLES",
    "DATASET_TABLES",
    "INTERNAL_TABLES",
    "RESULT_TABLES",
    "RELATIONS",
    "table",
    "node_tables",
    "label_of",
    "node_key",
    "split_node_key",
    "META_ID",
]

#: the id of the one row of the ``meta`` table (the ``Dataset`` node)
META_ID = "dataset"

# Column kinds and the property type each one gets in LadybugDB.
KINDS = {
    "id": "STRING",
    "text": "STRING",
    "enum": "STRING",
    "category": "STRING",
    "ref": "STRING",
    "idlist": "STRING",
    "date": "DATE",
    "int": "INT64",
    "float": "DOUBLE",
}


@dataclass(frozen=True)
class Column:
    """One column of a table.

    ``zh`` holds the Chinese headers accepted for the column, the first being the one
    graphgov writes. ``enum`` names a vocabulary in :mod:`graphgov.dataset.vocab`; ``ref``
    names the table whose ``id`` the value must be. ``personal`` marks data about a
    person (phone, ID-card number, contact name) that outputs leave out unless asked.
    """

    name: str
    kind: str
    required: bool = False
    zh: tuple[str, ...] = ()
    enum: str | None = None
    ref: str | None = None
    minimum: float | None = None
    personal: bool = False
    description: str = ""

    @property
    def db_type(self) -> str:
        return KINDS[self.kind]


@dataclass(frozen=True)
class Relation:
    """A relationship type produced by the rows of a table.

    For a node table, each row with a value in ``from_col``/``to_col`` gives one edge
    (``idlist`` columns give one edge per listed id). For a link table (no label),
    each row is one edge carrying ``properties``.
    """

    type: str
    table: str
    from_table: str
    from_col: str
    to_table: str
    to_col: str
    properties: tuple[str, ...] = ()
    description: str = ""


@dataclass(frozen=True)
class Table:
    name: str
    zh: tuple[str, ...]
    columns: tuple[Column, ...]
    label: str | None = None  # node label; None for a link table (rows are edges)
    key: tuple[str, ...] = ("id",)
    required: bool = True  # must be present in a full dataset
    internal: bool = False  # written by graphgov itself, never read from a dataset
    record: bool = False  # a record about the network (the dataset's date, meetings), not a part of it
    description: str = ""
    relations: tuple[Relation, ...] = field(default=())
    # what analyses found, kept in the store (read only when asked for; see graphgov.results)
    computed: bool = False
    # properties an analysis writes on this table's nodes (not dataset columns; read only when asked for)
    computed_columns: tuple[Column, ...] = ()

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(f"table {self.name!r} has no column {name!r}")

    @property
    def column_names(self) -> list[str]:
        return [c.name for c in self.columns]

    @property
    def required_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.required]

    @property
    def personal_columns(self) -> list[str]:
        return [c.name for c in self.columns if c.personal]


def _c(name, kind="text", required=False, zh=(), **kw) -> Column:
    return Column(name, kind, required, tuple(zh), **kw)


_ID = _c("id", "id", True, ("编号", "ID", "序号", "代码"), description="unique id within the table")
_CONTACT = _c("contact", "text", zh=("联系人",), personal=True, description="contact person (personal)")
_PHONE = _c("phone", "text", zh=("联系电话", "电话", "手机"), personal=True, description="phone (personal)")

TABLES: tuple[Table, ...] = (
    Table(
        "areas",
        ("区域", "区域清单", "地区", "辖区"),
        (
            _ID,
            _c("name", required=True, zh=("名称", "区域名称")),
            _c("level", "enum", True, ("层级", "级别", "类型"), enum="area_level"),
            _c("parent_id", "ref", zh=("上级编号", "上级区域", "上级"), ref="areas"),
        ),
        label="Area",
        description="the area hierarchy: district, street-township, community-village, station area, grid",
        relations=(
            Relation("PART_OF", "areas", "areas", "id", "areas", "parent_id", description="area is part of its parent area"),
        ),
    ),
    Table(
        "committees",
        ("委员会", "协调委员会", "党建协调委员会", "党建联盟", "联盟"),
        (
            _ID,
            _c("name", required=True, zh=("名称", "委员会名称")),
            _c("level", "enum", True, ("层级", "级别"), enum="committee_level"),
            _c("area_id", "ref", zh=("所属区域", "区域编号", "区域"), ref="areas"),
            _c("parent_id", "ref", zh=("上级编号", "上级委员会", "上级"), ref="committees"),
            _c("cadence", "enum", zh=("例会周期", "会议周期", "碰头频次"), enum="cadence"),
            _c("meetings", "int", zh=("年度会议次数", "会议次数"), minimum=0,
               description="meetings held in the last year, to compare with the cadence"),
        ),
        label="Committee",
        description="a coordination committee or alliance",
        relations=(
            Relation("LOCATED_IN", "committees", "committees", "id", "areas", "area_id"),
            Relation("REPORTS_TO", "committees", "committees", "id", "committees", "parent_id"),
        ),
    ),
    Table(
        "units",
        ("成员单位", "单位", "共建单位", "驻区单位", "单位清单"),
        (
            _ID,
            _c("name", required=True, zh=("名称", "单位名称")),
            _c("type", "enum", True, ("类型", "单位类型", "性质"), enum="unit_type"),
            _c("sector", zh=("行业", "系统", "条线", "所属系统")),
            _c("area_id", "ref", zh=("所属区域", "区域编号", "区域"), ref="areas"),
            _CONTACT,
            _PHONE,
        ),
        label="Unit",
        description="a member unit: bureau, operator, company, university, hospital, police, community …",
        relations=(Relation("LOCATED_IN", "units", "units", "id", "areas", "area_id"),),
        computed_columns=tuple(
            [_c("central_rank", "int"), _c("degree", "int")]
            + [_c(m, "float") for m in ("weighted_degree", "betweenness", "pagerank", "closeness", "harmonic",
                                        "constraint", "effective_size")]
            + [_c("articulation", "int"), _c("community", "int")]
            + [_c(f"{by}_{role}", "int") for by in ("sector", "block")
               for role in ("coordinator", "gatekeeper", "representative", "consultant", "liaison", "brokerage")]),
    ),
    Table(
        "party_orgs",
        ("党组织", "党组织清单", "基层党组织"),
        (
            _ID,
            _c("name", required=True, zh=("名称", "党组织名称")),
            _c("unit_id", "ref", True, ("所属单位", "单位编号", "单位"), ref="units"),
            _c("type", "enum", zh=("类型", "组织类型"), enum="party_org_type"),
            _c("parent_id", "ref", zh=("上级党组织", "上级编号", "上级"), ref="party_orgs"),
            _c("members", "int", zh=("党员人数", "党员数"), minimum=0),
            _c("secretary", zh=("书记", "书记姓名"), personal=True, description="secretary's name (personal)"),
            _PHONE,
        ),
        label="PartyOrg",
        description="a party organization (committee, general branch, branch, joint branch) of a unit",
        relations=(
            Relation("BELONGS_TO", "party_orgs", "party_orgs", "id", "units", "unit_id"),
            Relation("REPORTS_TO", "party_orgs", "party_orgs", "id", "party_orgs", "parent_id"),
        ),
    ),
    Table(
        "memberships",
        ("成员关系", "委员会成员", "成员名单", "成员"),
        (
            _c("unit_id", "ref", True, ("单位编号", "成员单位", "单位"), ref="units"),
            _c("committee_id", "ref", True, ("委员会编号", "所属委员会", "委员会"), ref="committees"),
            _c("role", zh=("角色", "职务", "身份")),
            _c("since", "date", zh=("加入日期", "加入时间")),
        ),
        key=("unit_id", "committee_id"),
        description="which unit sits on which committee",
        relations=(
            Relation("MEMBER_OF", "memberships", "units", "unit_id", "committees", "committee_id", ("role", "since")),
        ),
    ),
    Table(
        "agreements",
        ("共建协议", "协议", "结对共建"),
        (
            _c("unit_a", "ref", True, ("甲方单位", "单位甲", "甲方"), ref="units"),
            _c("unit_b", "ref", True, ("乙方单位", "单位乙", "乙方"), ref="units"),
            _c("kind", zh=("协议类型", "类型")),
            _c("signed", "date", zh=("签订日期", "签署日期")),
        ),
        key=("unit_a", "unit_b", "kind"),
        required=False,
        description="a dated co-building agreement between two units",
        relations=(
            Relation("AGREEMENT", "agreements", "units", "unit_a", "units", "unit_b", ("kind", "signed")),
        ),
    ),
    Table(
        "needs",
        ("需求清单", "需求", "需求单"),
        (
            _ID,
            _c("title", required=True, zh=("标题", "需求名称", "名称", "需求")),
            _c("category", "category", True, ("类别", "需求类别", "分类")),
            _c("unit_id", "ref", True, ("所属单位", "提出单位", "单位编号", "单位"), ref="units"),
            _c("description", zh=("描述", "需求描述", "说明", "内容")),
            _c("area_id", "ref", zh=("所属区域", "区域编号", "区域"), ref="areas"),
            _c("raised", "date", zh=("提出日期", "登记日期", "日期")),
            _c("urgency", "enum", zh=("紧急程度", "缓急"), enum="urgency"),
            _c("quantity", "int", zh=("数量", "需求数量"), minimum=0),
            _c("status", "enum", zh=("状态", "办理状态"), enum="need_status"),
            _c("channel", "enum", zh=("来源渠道", "渠道", "需求来源", "收集渠道"), enum="channel",
               description="how the need came in: 12345 hotline, party-building market order, visit, grid report"),
            _c("dispatched_on", "date", zh=("派单日期", "派单时间"), description="first dispatched (派单)"),
            _c("accepted_on", "date", zh=("接单日期", "接单时间"), description="first accepted (接单)"),
            _c("fulfilled_on", "date", zh=("完成日期", "办结日期", "完成时间"), description="fulfilled (办结)"),
            _c("closed_on", "date", zh=("关闭日期", "关闭时间"), description="closed without being fulfilled"),
            _c("rating", "enum", zh=("满意度", "评价", "满意度评价", "回访评价"), enum="satisfaction",
               description="the raising unit's rating when the need was fulfilled or closed (满意/基本满意/不满意 or 1–5)"),
            _CONTACT,
            _PHONE,
        ),
        label="Need",
        description="the needs list (需求清单)",
        relations=(
            Relation("RAISES", "needs", "units", "unit_id", "needs", "id", description="unit raised the need"),
            Relation("LOCATED_IN", "needs", "needs", "id", "areas", "area_id"),
        ),
    ),
    Table(
        "resources",
        ("资源清单", "资源", "资源单"),
        (
            _ID,
            _c("title", required=True, zh=("标题", "资源名称", "名称", "资源")),
            _c("category", "category", True, ("类别", "资源类别", "分类")),
            _c("unit_id", "ref", True, ("所属单位", "提供单位", "单位编号", "单位"), ref="units"),
            _c("description", zh=("描述", "资源描述", "说明", "内容")),
            _c("area_id", "ref", zh=("所属区域", "区域编号", "区域"), ref="areas"),
            _c("capacity", "int", zh=("容量", "可提供数量", "数量"), minimum=0),
            _c("available_until", "date", zh=("有效期至", "截止日期")),
            _CONTACT,
            _PHONE,
        ),
        label="Resource",
        description="the resources list (资源清单)",
        relations=(
            Relation("OFFERS", "resources", "units", "unit_id", "resources", "id", description="unit offers the resource"),
            Relation("LOCATED_IN", "resources", "resources", "id", "areas", "area_id"),
        ),
    ),
    Table(
        "projects",
        ("项目清单", "项目", "项目单"),
        (
            _ID,
            _c("title", required=True, zh=("标题", "项目名称", "名称", "项目")),
            _c("category", "category", zh=("类别", "项目类别", "分类")),
            _c("lead_unit_id", "ref", zh=("牵头单位", "负责单位", "主办单位"), ref="units"),
            _c("status", "enum", zh=("状态", "项目状态"), enum="project_status"),
            # "end" is a Cypher keyword LadybugDB will not take as a property name
            _c("start_date", "date", zh=("开始日期", "启动日期", "start")),
            _c("end_date", "date", zh=("结束日期", "完成日期", "end")),
            _c("need_ids", "idlist", zh=("对接需求", "需求编号", "关联需求"), ref="needs"),
        ),
        label="Project",
        description="the projects list (项目清单)",
        relations=(
            Relation("LEADS", "projects", "units", "lead_unit_id", "projects", "id"),
            Relation("ADDRESSES", "projects", "projects", "id", "needs", "need_ids", description="project addresses the need"),
        ),
    ),
    Table(
        "participations",
        ("项目参与", "参与单位", "项目参与单位"),
        (
            _c("project_id", "ref", True, ("项目编号", "项目"), ref="projects"),
            _c("unit_id", "ref", True, ("单位编号", "参与单位", "单位"), ref="units"),
            _c("role", zh=("角色", "分工")),
        ),
        key=("project_id", "unit_id"),
        description="which unit takes part in which project",
        relations=(
            Relation("PARTICIPATES_IN", "participations", "units", "unit_id", "projects", "project_id", ("role",)),
        ),
    ),
    Table(
        "meetings",
        ("会议记录", "例会记录", "会议台账", "会议"),
        (
            _ID,
            _c("committee_id", "ref", True, ("委员会编号", "委员会", "召开委员会"), ref="committees"),
            _c("held_on", "date", True, ("召开日期", "会议日期", "日期")),
            _c("kind", "enum", zh=("会议类型", "类型"), enum="cadence",
               description="which of the cadence's meetings: monthly (碰头), quarterly (调度), yearly (总结)"),
            _c("title", zh=("会议名称", "名称", "主题")),
            _c("attendees", "int", zh=("参会单位数", "参会单位"), minimum=0, description="member units present"),
        ),
        label="Meeting",
        required=False,
        record=True,
        description="the committees' meetings, one row each, for meetings held against the cadence over time",
        relations=(Relation("HELD_BY", "meetings", "meetings", "id", "committees", "committee_id"),),
    ),
    Table(
        "meta",
        ("说明", "元数据", "数据说明", "数据集"),
        (
            _c("id", "id", zh=("编号",), description="always 'dataset' (filled in when empty)"),
            _c("as_of", "date", zh=("截止日期", "基准日期", "数据截至", "统计截止日期", "日期"),
               description="the date the lists describe: every date-dependent answer defaults to it"),
            _c("title", zh=("标题", "名称", "数据集名称")),
            _c("source", zh=("来源", "数据来源")),
            _c("description", zh=("描述", "备注")),
        ),
        label="Dataset",
        required=False,
        record=True,
        description="the dataset's own date, title and source (one row)",
    ),
)

# Tables graphgov writes itself (the order–dispatch–accept loop). Kept in the store and
# carried across reloads, never read from a committee's spreadsheets.
INTERNAL_TABLES: tuple[Table, ...] = (
    Table(
        "dispatches",
        ("派单记录",),
        (
            _ID,
            _c("need_id", "ref", True, ref="needs"),
            _c("resource_id", "ref", True, ref="resources"),
            _c("status", "enum", True, enum="dispatch_status"),
            _c("quantity", "int", minimum=0),
            _c("fulfilled_quantity", "int", minimum=0),
            _c("score", "float"),
            _c("broker_id", "ref", ref="units"),
            _c("dispatched", "date"),
            _c("accepted", "date"),
            _c("fulfilled", "date"),
        ),
        label="Dispatch",
        internal=True,
        required=False,
        description="a need dispatched to a resource (派单), and what came of it",
        relations=(
            Relation("FOR_NEED", "dispatches", "dispatches", "id", "needs", "need_id"),
            Relation("USES", "dispatches", "dispatches", "id", "resources", "resource_id"),
        ),
    ),
    Table(
        "need_events",
        ("需求办理记录",),
        (
            _ID,
            _c("need_id", "ref", True, ref="needs"),
            _c("dispatch_id", "ref", ref="dispatches"),
            _c("step", "enum", True, enum="need_step"),
            _c("on_date", "date", True),
            _c("status_before", "enum", enum="need_status"),
            _c("status_after", "enum", enum="need_status"),
            _c("quantity", "int", minimum=0),
            _c("note"),
            _c("recorded_at", "text"),
        ),
        label="NeedEvent",
        internal=True,
        required=False,
        description="one step in a need's history: dispatched, accepted, fulfilled, …",
        relations=(Relation("EVENT_OF", "need_events", "need_events", "id", "needs", "need_id"),),
    ),
)

# What the analyses found, kept in the store with the stamp of the data they were computed on
# (graphgov.results): read by the report, the map and Cypher reports, carried across loads.
RESULT_TABLES: tuple[Table, ...] = (
    Table(
        "analysis_runs", ("分析记录",),
        (_ID, _c("analysis", required=True), _c("params"), _c("data_version"), _c("computed_at"),
         _c("graphgov"), _c("seconds", "float"), _c("rows", "int"), _c("summary")),
        label="AnalysisRun", internal=True, required=False, computed=True,
        description="one stored analysis (central, gaps, match): its parameters and the data version it saw",
    ),
    Table(
        "findings", ("薄弱环节",),
        (_ID, _c("rank", "int"), _c("kind", required=True), _c("kind_zh"), _c("severity"), _c("score", "float"),
         _c("subject_type"), _c("subject_id"), _c("subject"), _c("subject_names"), _c("message"), _c("evidence"),
         _c("suggestion"), _c("area_id", "ref", ref="areas"), _c("unit_ids", "idlist", ref="units"),
         _c("committee_ids", "idlist", ref="committees"), _c("need_ids", "idlist", ref="needs")),
        label="Finding", internal=True, required=False, computed=True,
        description="a coordination gap found by graphgov gaps, linked to what it is about",
        relations=(
            Relation("ABOUT", "findings", "findings", "id", "units", "unit_ids"),
            Relation("ABOUT", "findings", "findings", "id", "committees", "committee_ids"),
            Relation("ABOUT", "findings", "findings", "id", "needs", "need_ids"),
            Relation("LOCATED_IN", "findings", "findings", "id", "areas", "area_id"),
        ),
    ),
    Table(
        "proposals", ("拟匹配",),
        (_ID, _c("rank", "int"), _c("need_id", "ref", True, ref="needs"),
         _c("resource_id", "ref", True, ref="resources"), _c("provider_id", "ref", ref="units"), _c("units", "int"),
         _c("score", "float"), _c("contribution", "float"), _c("fit_category", "float"), _c("fit_text", "float"),
         _c("fit_area", "float"), _c("fit_capacity", "float"), _c("fit_trust", "float"),
         _c("broker_id", "ref", ref="units"), _c("reasons")),
        label="Proposal", internal=True, required=False, computed=True,
        description="a need–resource pair proposed by graphgov match --all --assign, before any dispatch",
        relations=(
            Relation("FOR_NEED", "proposals", "proposals", "id", "needs", "need_id"),
            Relation("USES", "proposals", "proposals", "id", "resources", "resource_id"),
        ),
    ),
)

ALL_TABLES: tuple[Table, ...] = TABLES + INTERNAL_TABLES + RESULT_TABLES
DATASET_TABLES: tuple[str, ...] = tuple(t.name for t in TABLES)
_BY_NAME = {t.name: t for t in ALL_TABLES}

RELATIONS: tuple[Relation, ...] = tuple(r for t in ALL_TABLES for r in t.relations)


def table(name: str) -> Table:
    """Return the table called ``name``; raise KeyError for an unknown name."""
    return _BY_NAME[name]


def node_tables() -> list[Table]:
    """Tables whose rows are nodes (they have a label), in load order."""
    return [t for t in ALL_TABLES if t.label]


def label_of(table_name: str) -> str:
    """The node label of a node table (``"needs"`` → ``"Need"``)."""
    lab = _BY_NAME[table_name].label
    if lab is None:
        raise KeyError(f"{table_name!r} is a link table, not a node table")
    return lab


def node_key(label: str, id_: str) -> str:
    """The key of a node in graphgov's networkx views: ``"Unit:U001"``.

    Ids are unique within a table, not across tables (committees often number every
    list from 1), so node keys carry the label.
    """
    return f"{label}:{id_}"


def split_node_key(key: str) -> tuple[str, str]:
    """Inverse of :func:`node_key`."""
    label, _, id_ = key.partition(":")
    return label, id_


def relation_endpoints() -> dict[str, list[tuple[str, str]]]:
    """Each relationship type with its (from label, to label) pairs, in a stable order."""
    out: dict[str, list[tuple[str, str]]] = {}
    for rel in RELATIONS:
        pair = (label_of(rel.from_table), label_of(rel.to_table))
        pairs = out.setdefault(rel.type, [])
        if pair not in pairs:
            pairs.append(pair)
    return out


def relation_properties() -> dict[str, list[Column]]:
    """Each relationship type with the columns it carries as properties."""
    out: dict[str, list[Column]] = {}
    for rel in RELATIONS:
        cols = out.setdefault(rel.type, [])
        for name in rel.properties:
            col = table(rel.table).column(name)
            if col.name not in [c.name for c in cols]:
                cols.append(col)
    return out
