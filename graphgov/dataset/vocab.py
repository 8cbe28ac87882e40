"""Vocabularies: the enumerations of the schema with their Chinese names.

Each vocabulary maps an English code (what graphgov stores) to its Chinese label
(what planners see) and to further aliases accepted in spreadsheets. Values are
matched after trimming and case folding, in English or Chinese.
"""
from __future__ import annotations

import difflib

__all__ = ["VOCABULARIES", "CATEGORIES", "RELATED_CATEGORIES", "normalise", "label", "closest", "zh_label"]

# code: (Chinese label, (other accepted spellings, ...))
VOCABULARIES: dict[str, dict[str, tuple[str, tuple[str, ...]]]] = {
    "area_level": {
        "city": ("市", ("全市", "市级")),
        "district": ("区", ("区县", "区级", "县")),
        "street": ("街乡", ("街道", "乡镇", "街道乡镇", "镇", "乡")),
        "community": ("社区村", ("社区", "村", "社区(村)")),
        "station_area": ("站区", ("车站地区", "站区地区")),
        "grid": ("网格", ("大网格", "小网格")),
    },
    "committee_level": {
        "city": ("市级", ("市", "全市")),
        "district": ("区级", ("区", "区县")),
        "street": ("街乡级", ("街道", "街乡", "乡镇")),
        "community": ("社区级", ("社区", "村")),
        "station_area": ("站区级", ("站区",)),
        "alliance": ("党建联盟", ("联盟", "联合党支部")),
    },
    "unit_type": {
        "government": ("党政机关", ("政府", "机关", "委办局", "政府部门", "街道办事处")),
        "railway": ("铁路", ("国铁", "铁路单位", "火车站")),
        "transit": ("公共交通", ("地铁", "公交", "轨道交通", "交通运营", "枢纽运营")),
        "state_enterprise": ("国有企业", ("国企", "央企")),
        "private_enterprise": ("非公企业", ("民营企业", "私营企业", "两新组织企业", "企业")),
        "social_org": ("社会组织", ("社团", "协会", "基金会", "民办非企业")),
        "university": ("高校", ("院校", "大学", "高等院校")),
        "research_institute": ("科研院所", ("研究院", "研究所")),
        "hospital": ("医院", ("医疗机构", "卫生机构", "卫生健康")),
        "school": ("学校", ("中小学", "职业学校", "中学", "小学")),
        "police": ("公安", ("派出所", "公安分局", "警务")),
        "military": ("部队", ("军队", "武警")),
        "community": ("社区", ("村", "社区居委会", "村委会")),
    },
    "party_org_type": {
        "committee": ("党委", ("党工委", "党组")),
        "general_branch": ("党总支", ("总支",)),
        "branch": ("党支部", ("支部",)),
        "joint_branch": ("联合党支部", ("联合支部",)),
    },
    "cadence": {
        "weekly": ("每周", ("周",)),
        "monthly": ("每月", ("月", "每月一碰头", "月度")),
        "quarterly": ("每季", ("季", "每季一调度", "季度", "每季度")),
        "half_yearly": ("每半年", ("半年",)),
        "yearly": ("每年", ("年", "每年一总结", "年度")),
    },
    "urgency": {
        "low": ("一般", ("低", "不急")),
        "medium": ("较急", ("中", "普通")),
        "high": ("紧急", ("高", "急", "特急")),
    },
    "need_status": {
        "open": ("待认领", ("未认领", "待办", "新提出", "待派单")),
        "dispatched": ("已派单", ("派单",)),
        "accepted": ("已接单", ("接单", "办理中")),
        "partial": ("部分完成", ("部分满足",)),
        "fulfilled": ("已完成", ("完成", "已办结", "办结", "已满足")),
        "closed": ("已关闭", ("关闭", "撤销", "取消")),
    },
    "project_status": {
        "planned": ("计划中", ("筹备", "待启动")),
        "active": ("进行中", ("实施中", "在办")),
        "completed": ("已完成", ("完成", "结项", "已结项")),
        "suspended": ("暂停", ("中止", "已暂停")),
    },
    # how a need came in (需求来源渠道)
    "channel": {
        "hotline": ("12345热线派单", ("12345", "12345热线", "热线", "热线派单", "接诉即办", "市民热线")),
        "market": ("党建超市点单", ("党建超市", "点单", "清单点单", "群众点单")),
        "visit": ("走访", ("入户走访", "走访收集", "上门走访", "调研")),
        "grid": ("网格上报", ("网格", "网格员上报", "网格巡查")),
        "other": ("其他", ("其它", "会议提出", "单位报送")),
    },
    # the rating given when a need is fulfilled or closed; a 1–5 score maps onto the three levels
    "satisfaction": {
        "satisfied": ("满意", ("5", "4", "非常满意", "很满意", "比较满意", "较满意")),
        "basically_satisfied": ("基本满意", ("3", "一般")),
        "dissatisfied": ("不满意", ("2", "1", "非常不满意", "很不满意")),
    },
    "dispatch_status": {
        "dispatched": ("已派单", ()),
        "accepted": ("已接单", ()),
        "partial": ("部分完成", ()),
        "fulfilled": ("已完成", ()),
        "declined": ("已拒单", ()),
        "withdrawn": ("已撤回", ()),
    },
    "need_step": {
        "dispatch": ("派单", ()),
        "accept": ("接单", ()),
        "decline": ("拒单", ()),
        "fulfil": ("完成", ()),
        "withdraw": ("撤回", ()),
        "close": ("关闭", ()),
        "reopen": ("重新开放", ()),
    },
}

# Categories of needs, resources and projects. Unknown categories are accepted with a
# warning naming the closest known one.
CATEGORIES: dict[str, tuple[str, tuple[str, ...]]] = {
    "transport": ("交通出行", ("交通", "出行", "换乘", "接驳")),
    "parking": ("停车", ("停车位", "停车管理")),
    "safety": ("平安安全", ("安全", "治安", "安保", "消防", "平安")),
    "emergency": ("应急保障", ("应急", "应急处置")),
    "volunteering": ("志愿服务", ("志愿", "志愿者")),
    "employment": ("就业创业", ("就业", "招聘", "创业")),
    "elderly_care": ("养老助老", ("养老", "助老", "为老服务")),
    "health": ("医疗健康", ("医疗", "健康", "卫生", "义诊")),
    "maternal_child": ("母婴服务", ("母婴", "母婴室", "儿童")),
    "education": ("教育培训", ("教育", "培训", "实训")),
    "think_tank": ("智库咨询", ("智库", "咨询", "规划咨询", "党建+智库")),
    "venue": ("场地阵地", ("场地", "阵地", "活动场地", "活动中心")),
    "environment": ("环境整治", ("环境", "绿化", "环境卫生", "垃圾分类")),
    "culture": ("文化活动", ("文化", "文体", "文艺")),
    "commerce": ("商业服务", ("商业", "营商", "商圈", "消费")),
    "legal": ("法律服务", ("法律", "普法", "法律援助")),
    "digital": ("数字治理", ("信息化", "数据", "智慧", "数字化")),
    "party_education": ("党员教育", ("党课", "党员学习", "主题党日")),
    "publicity": ("宣传展示", ("宣传", "展示", "品牌")),
    "funding": ("资金支持", ("资金", "经费")),
    "community_service": ("便民服务", ("便民", "社区服务", "民生")),
    "urban_governance": ("城市治理", ("治理", "城市管理", "接诉即办", "12345")),
}

# Pairs of categories whose needs and resources can serve each other (partly). Used by
# matching for category fit; documented in docs/matching.md.
RELATED_CATEGORIES: dict[tuple[str, str], float] = {
    ("transport", "parking"): 0.6,
    ("safety", "emergency"): 0.7,
    ("safety", "volunteering"): 0.4,
    ("emergency", "health"): 0.5,
    ("emergency", "volunteering"): 0.4,
    ("volunteering", "community_service"): 0.6,
    ("volunteering", "elderly_care"): 0.5,
    ("elderly_care", "health"): 0.5,
    ("elderly_care", "community_service"): 0.5,
    ("maternal_child", "health"): 0.5,
    ("maternal_child", "community_service"): 0.4,
    ("education", "think_tank"): 0.5,
    ("education", "employment"): 0.5,
    ("education", "party_education"): 0.5,
    ("think_tank", "urban_governance"): 0.5,
    ("think_tank", "digital"): 0.4,
    ("venue", "culture"): 0.5,
    ("venue", "party_education"): 0.5,
    ("culture", "publicity"): 0.5,
    ("environment", "urban_governance"): 0.5,
    ("commerce", "employment"): 0.4,
    ("commerce", "publicity"): 0.4,
    ("digital", "urban_governance"): 0.5,
    ("legal", "community_service"): 0.4,
    ("funding", "community_service"): 0.3,
}


def _lookup(vocab: dict[str, tuple[str, tuple[str, ...]]]) -> dict[str, str]:
    out: dict[str, str] = {}
    for code, (zh, aliases) in vocab.items():
        for spelling in (code, code.replace("_", " "), zh, *aliases):
            out.setdefault(spelling.casefold(), code)
    return out


_LOOKUPS = {name: _lookup(v) for name, v in VOCABULARIES.items()}
_LOOKUPS["category"] = _lookup(CATEGORIES)


def _vocab(name: str) -> dict[str, tuple[str, tuple[str, ...]]]:
    return CATEGORIES if name == "category" else VOCABULARIES[name]


def normalise(vocab: str, value: str) -> str | None:
    """The code for ``value`` in vocabulary ``vocab`` (English or Chinese), or None.

    >>> normalise("unit_type", "高校")
    'university'
    """
    return _LOOKUPS[vocab].get(value.strip().casefold())


def zh_label(vocab: str, code: str) -> str:
    """The Chinese label of a code; the code itself when it is not in the vocabulary."""
    entry = _vocab(vocab).get(code)
    return entry[0] if entry else code


def label(vocab: str, code: str) -> str:
    """``"交通出行 transport"``: the label shown to users, Chinese first."""
    entry = _vocab(vocab).get(code)
    return f"{entry[0]} {code}" if entry else code


def codes(vocab: str) -> list[str]:
    return list(_vocab(vocab))


def closest(vocab: str, value: str) -> str | None:
    """The known code whose English or Chinese spelling is nearest to ``value``."""
    spellings = _LOOKUPS[vocab]
    best = difflib.get_close_matches(value.strip().casefold(), list(spellings), n=1, cutoff=0.0)
    if best:
        return spellings[best[0]]
    return None


def category_relatedness(a: str, b: str) -> float:
    """1.0 for the same category, the related-table weight for a related pair, else 0."""
    if a == b:
        return 1.0
    return RELATED_CATEGORIES.get((a, b), RELATED_CATEGORIES.get((b, a), 0.0))
