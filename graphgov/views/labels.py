"""Words for people: Chinese (or English) column headers and readable values for tables.

Tables keep English keys in code, CSV and JSON. What a person reads — the terminal and
Excel — gets one language: Chinese by default, English with ``lang="en"``. A column
without a label here keeps its key; vocabulary codes (categories, unit types, statuses)
become their Chinese names; booleans become ✓ or nothing; lists and dicts become text.
"""
from __future__ import annotations

import pandas as pd

from graphgov.dataset import vocab

__all__ = ["LANGS", "COLUMN_ZH", "EVIDENCE_ZH", "MATCH_PARTS_ZH", "SEVERITY_ZH", "column_label", "headers", "people_frame", "readable", "pick"]

LANGS = ("zh", "en")

COLUMN_ZH: dict[str, str] = {
    # ids and names
    "id": "编号", "name": "名称", "title": "标题", "rank": "排名", "kind": "类别代码", "kind_zh": "类别",
    "type": "类型代码", "type_zh": "类型", "unit_type": "单位类型", "org_type": "组织类型", "partner_type": "对方类型",
    "sector": "行业（条）", "block": "街乡（块）", "level": "层级", "cadence": "例会周期", "role": "角色",
    "since": "加入日期", "status": "状态", "urgency": "紧急程度", "category": "类别", "description": "描述",
    "description_zh": "说明", "parameters": "参数", "source": "来源", "count": "数量", "link": "联系",
    "relation": "关系", "detail": "详情", "tie": "联系方式",
    "unit_id": "单位编号", "unit": "单位", "committee_id": "委员会编号", "committee": "委员会",
    "committee_names": "所在委员会", "committees": "委员会数", "need_id": "需求编号", "need_title": "需求",
    "resource_id": "资源编号", "resource_title": "资源", "provider_id": "提供单位编号", "area_id": "区域编号",
    "area": "区域", "areas": "区域数", "org_id": "党组织编号", "org": "党组织", "parent_id": "上级编号",
    "via_id": "经由编号", "via": "经由", "university_id": "院校编号", "university": "院校",
    "partner_id": "对方编号", "partner": "对方单位", "dispatch_id": "派单编号", "event_id": "记录编号",
    # centrality and brokerage
    "degree": "联系单位数", "weighted_degree": "加权联系度", "betweenness": "中介中心度", "pagerank": "PageRank",
    "closeness": "接近中心度", "harmonic": "调和中心度", "constraint": "结构约束", "effective_size": "有效规模",
    "articulation": "关键节点", "sector_brokerage": "跨条中介", "block_brokerage": "跨块中介",
    # gaps
    "severity": "严重程度", "score": "分值", "subject_type": "对象类型", "subject_id": "对象编号", "subject": "对象",
    "subject_ids": "对象编号（全部）", "subject_names": "对象名称（全部）", "message": "问题", "evidence": "依据",
    "suggestion": "建议",
    # matching
    "text": "文本相似", "capacity": "容量", "trust": "网络信任", "broker_id": "介绍人编号", "broker_name": "介绍人",
    "reasons": "匹配理由", "units": "份数", "contribution": "贡献分", "quantity": "数量", "units_short": "缺口份数",
    "reason": "原因", "fulfilled_quantity": "已完成数量", "need_status": "需求状态", "step": "环节",
    "on_date": "日期", "status_before": "原状态", "status_after": "新状态", "note": "备注", "recorded_at": "记录时间",
    # reports
    "meetings_expected": "应开会议数", "meetings": "会议次数", "members": "成员数", "needs": "需求数",
    "unmet_needs": "未满足需求数", "resources": "资源数", "projects": "项目数", "types": "类型数", "sectors": "行业数",
    "ties": "联系数", "cross_sector_ties": "跨条联系", "cross_area_ties": "跨块联系", "in_projects": "已立项",
    "share": "立项比例", "raised": "提出日期", "unmet_quantity": "未满足数量", "resources_per_unmet_need": "资源/未满足需求",
    "unmet": "未满足", "urgent": "紧急", "oldest": "最早提出", "available_until": "有效期至",
    "unmet_needs_same_category": "同类未满足需求", "start_date": "开始日期", "end_date": "结束日期", "signed": "签订日期",
    # reports on the stored results (central_units, findings_by_area, open_proposals, analysis_runs)
    "place": "委员会内名次", "city_rank": "全网名次", "open_needs": "未办结需求数", "oldest_open_need": "最早未办结需求",
    "findings": "问题数", "high": "高", "medium": "中", "low": "低", "need": "需求", "need_unit": "需求单位",
    "resource": "资源", "provider": "提供单位", "broker": "介绍人", "analysis": "分析", "computed_at": "计算时间",
    "data_version": "数据版本", "graphgov": "graphgov 版本", "params": "参数", "rows": "行数", "seconds": "用时（秒）",
    # reports over time (needs_by_month, dispatch_funnel, time_to_fulfil, rollups, comparisons)
    "month": "月份", "dispatched": "已派单", "accepted": "已接单", "fulfilled": "已完成", "closed": "已办结",
    "fulfilled_share": "完成比例", "resolution_rate": "办结率", "converted": "转化为项目", "conversion_rate": "转化率",
    "projects_started": "新开项目", "projects_completed": "完成项目", "needs_in_projects": "已立项需求",
    "within_fast": "快速完成", "within_normal": "按期完成", "within_slow": "较慢完成", "longer": "超期完成",
    "share_within_normal": "按期完成比例", "live_dispatches": "进行中的派单",
}

#: the score parts of a match: same keys as report columns, other meanings
MATCH_PARTS_ZH = {"category": "类别匹配", "text": "文本相似", "area": "区域接近", "capacity": "容量匹配",
                  "trust": "网络信任"}

#: the keys of a finding's evidence (graphgov.analysis.gap_rules), for the Chinese reader
EVIDENCE_ZH = {
    "need": "需求", "title": "标题", "unit": "单位", "category": "类别", "raised": "提出日期", "age_days": "已过天数",
    "status": "状态", "urgency": "紧急程度", "projects": "项目数", "active_dispatches": "进行中的派单",
    "resources_in_category": "同类资源数", "reachable_resources": "可到达的同类资源", "reachable_examples": "例如",
    "area": "区域编号", "area_name": "区域", "open_needs": "未完成需求", "resources": "资源数", "ratio": "资源/需求",
    "related_resources": "相关类别资源", "needs": "需求", "grouping": "分组方式", "group": "分组", "units": "单位数",
    "internal_ties": "内部联系", "external_ties": "外部联系", "ei_index": "E-I 指数", "members": "成员",
    "stranded_units": "会被隔断的单位", "stranded_open_needs": "会被隔断的未完成需求", "pieces": "分成几块",
    "cut_off": "被隔断的单位", "neighbour_sectors": "相邻行业", "member_projects": "成员参与的项目",
    "joint_projects": "共同项目", "cadence": "例会周期", "expected_meetings": "应开会议数", "meetings": "实开会议数",
    "committees": "所在委员会", "agreements": "共建协议", "member_since": "加入日期", "days_as_member": "成为成员天数",
    "other_groups": "其他分组", "through": "经由单位", "ties_through_unit": "经该单位的联系", "unit_group": "单位所在分组",
    "need_unit": "需求单位", "resource_unit": "资源单位", "category_fit": "类别匹配度", "structure": "网络结构",
    "matches": "可对接", "groups": "分组", "direct_ties": "直接联系",
}

_ROLE_ZH = {"coordinator": "协调者", "gatekeeper": "守门者", "representative": "代表者", "consultant": "咨询者",
            "liaison": "联络者"}
for _role, _zh in _ROLE_ZH.items():
    COLUMN_ZH[f"sector_{_role}"] = f"跨条{_zh}"
    COLUMN_ZH[f"block_{_role}"] = f"跨块{_zh}"

# columns whose text values are vocabulary codes, with the vocabularies to look them up in
_VALUE_VOCABS: dict[str, tuple[str, ...]] = {
    "category": ("category",), "need_category": ("category",), "unit_type": ("unit_type",),
    "partner_type": ("unit_type",), "org_type": ("party_org_type",),
    "urgency": ("urgency",), "cadence": ("cadence",), "level": ("committee_level", "area_level"),
    "status": ("need_status", "dispatch_status", "project_status"), "need_status": ("need_status",),
    "status_before": ("need_status", "dispatch_status"), "status_after": ("need_status", "dispatch_status"),
    "step": ("need_step",),
}
SEVERITY_ZH = {"high": "高", "medium": "中", "low": "低"}


def column_label(key: str, lang: str = "zh") -> str:
    """The header people read for the column ``key``: its Chinese label, or the key itself in English."""
    return COLUMN_ZH.get(str(key), str(key)) if lang == "zh" else str(key)


_SUBJECT_ZH = {"Need": "需求", "Unit": "单位", "Committee": "委员会", "category": "类别", "unit_pair": "单位组合",
               "group": "分组", "group_pair": "分组之间"}


def _zh_value(key: str, value):
    if not isinstance(value, str):
        return value
    if key == "severity":
        return SEVERITY_ZH.get(value, value)
    if key == "subject_type":  # group:community → 分组（community）
        kind, _, by = value.partition(":")
        return _SUBJECT_ZH.get(kind, kind) + (f"（{by}）" if by else "")
    for name in _VALUE_VOCABS.get(key, ()):
        label = vocab.zh_label(name, value)
        if label != value:
            return label
    return value


def readable(value, lang: str = "zh") -> object:
    """A value as a person reads it: lists joined with 、, dicts as ``键：值`` pairs one per line (keys
    and codes in Chinese for ``lang="zh"``), booleans as 是/否 inside them; other values unchanged."""
    from graphgov.views.map_style import format_evidence

    if isinstance(value, dict):
        lines = []
        for key, v in value.items():
            if v is None or (isinstance(v, (list, tuple)) and not v):
                continue
            if isinstance(v, bool):
                v = ("是" if v else "否") if lang == "zh" else ("yes" if v else "no")
            elif lang == "zh":
                v = _zh_value(str(key), v)
            name = EVIDENCE_ZH.get(str(key), str(key)) if lang == "zh" else str(key)
            lines.append(f"{name}：{format_evidence(v)}" if lang == "zh" else f"{name}: {format_evidence(v)}")
        return "\n".join(lines)
    if isinstance(value, (list, tuple, set)):
        return format_evidence(value)
    return value


def headers(columns, lang: str = "zh", labels: dict[str, str] | None = None) -> list[str]:
    """One header per column in ``lang`` (``labels`` first), made unique with the key where two would clash."""
    out: list[str] = []
    for key in columns:
        text = (labels or {}).get(str(key)) if lang == "zh" else None
        text = text or column_label(key, lang)
        out.append(f"{text}（{key}）" if text in out else text)
    return out


def people_frame(df: pd.DataFrame, lang: str = "zh", labels: dict[str, str] | None = None,
                 booleans: tuple[str, str] = ("✓", ""), codes: bool = True) -> pd.DataFrame:
    """``df`` for people: headers in ``lang``, codes as Chinese names (zh), ✓ for true, lists and dicts as text.

    ``labels`` overrides the Chinese header of some keys (a ``category`` that is a score, not a
    category). ``codes=False`` keeps vocabulary codes as they are (a dataset to be read again).
    Numbers and dates keep their types, for Excel to format them.
    """
    out = pd.DataFrame(index=df.index)
    names = headers(df.columns, lang, labels)
    for key, name in zip(df.columns, names):
        col = df[key]
        if pd.api.types.is_bool_dtype(col):
            col = col.map(lambda v: booleans[0] if v else booleans[1])
        elif col.dtype == object or pd.api.types.is_string_dtype(col):
            col = col.map(lambda v: readable(v, lang))
            col = col.map(lambda v: booleans[0] if v is True else (booleans[1] if v is False else v))
            if lang == "zh" and codes:
                col = col.map(lambda v, k=str(key): _zh_value(k, v))
        out[name] = col
    return out


def pick(df: pd.DataFrame, columns) -> pd.DataFrame:
    """The ``columns`` of ``df`` that it has, in that order (a reader's choice for the terminal)."""
    return df[[c for c in columns if c in df.columns]]
