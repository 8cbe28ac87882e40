"""Synthetic datasets in the standard format, at station, district and Beijing scale.

The shapes follow the published figures (docs/generate.md): Beijing has committees in
16 districts, 343 streets/townships and 3,400+ communities, 17,000+ member units, and in
one year 13,500+ needs and 9,800 projects. Participation is heavy-tailed (a few hub units
sit on many committees and take part in many projects), most ties stay inside a street or
district, some members never do anything (paper members), some needs find nobody, and in
a few districts one category of resource is scarce.

Everything is drawn from one ``numpy.random.default_rng(seed)`` in a fixed order and dates
are counted back from :data:`REFERENCE_DATE`, so the same preset and seed give the same
bytes on every machine and every day.

>>> tables = generate("station", seed=1)
>>> len(tables["units"])
55
"""
from __future__ import annotations

import os
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from graphgov.dataset import schema, vocab
from graphgov.errors import OptionError
from graphgov.dataset.reader import write_dataset

__all__ = ["PRESETS", "REFERENCE_DATE", "Preset", "Truth", "generate", "generate_with_truth", "write_generated"]

REFERENCE_DATE = np.datetime64("2025-06-30", "D")  # "today" of every generated dataset

# ---------------------------------------------------------------------------------------
# Names. Real district, station and university names; street, community and company
# names are composed from syllables so that they look real without being copied.

# (district, streets/townships) — the 16 districts' counts add up to 343.
DISTRICTS: tuple[tuple[str, int], ...] = (
    ("东城区", 17), ("西城区", 15), ("朝阳区", 43), ("丰台区", 26), ("石景山区", 9), ("海淀区", 29),
    ("门头沟区", 13), ("房山区", 28), ("通州区", 22), ("顺义区", 25), ("昌平区", 22), ("大兴区", 22),
    ("怀柔区", 16), ("平谷区", 18), ("密云区", 20), ("延庆区", 18),
)
URBAN = frozenset({"东城区", "西城区", "朝阳区", "丰台区", "石景山区", "海淀区"})
REAL_STREETS = {"朝阳区": ("东风", "将台", "朝外", "安贞", "八里庄", "双井")}

# the 7 key station areas: (station, district, small grids); 54 small grids in all
STATIONS: tuple[tuple[str, str, int], ...] = (
    ("北京站", "东城区", 9), ("北京南站", "丰台区", 9), ("北京西站", "丰台区", 9), ("北京北站", "西城区", 6),
    ("清河站", "海淀区", 6), ("北京朝阳站", "朝阳区", 8), ("北京丰台站", "丰台区", 7),
)

_STREET_A = "东西南北安和永长新双金石青平清丰广高龙兴太宏天福春建德万马杨"
_STREET_B = "坝营庄园门桥里河村台口店湖山苑城坊寺屯泉峪庙沟各堡"
_COMMUNITY_A = ("光华", "幸福", "和平", "团结", "建国", "永安", "新华", "文化", "友谊", "胜利", "向阳", "春晖",
                "长青", "松榆", "枫林", "翠微", "紫竹", "金台", "花园", "芳园", "嘉园", "丽都", "景泰", "安华",
                "惠新", "育新", "康营", "锦绣", "柳芳", "杏园", "桃源", "荷花", "银河", "星光", "朝晖", "绿洲")
_COMMUNITY_B = ("", "东里", "西里", "南里", "北里", "一区", "二区", "三区", "家园", "小区", "新村", "苑")
_BRAND_A = "华瑞信达恒通泰盛鑫宏嘉禾博远智诚中科天润金卓安创启明万联汇优凯新佳"
_BRAND_B = "源丰越海德康宇航辰腾隆晟悦联创豪翔星云安峰图禧澜益和通美睿诚达"
_INDUSTRIES = ("科技", "商贸", "物业管理", "餐饮管理", "文化传媒", "信息技术", "建筑工程", "物流", "教育咨询",
               "健康管理", "环保科技", "网络科技", "房地产开发", "家政服务", "广告")
_SOE_KINDS = ("集团有限公司", "投资有限公司", "建设发展有限公司", "城市运营有限公司", "控股有限公司")
_SOCIAL_KINDS = ("志愿者协会", "社会工作服务中心", "养老服务驿站", "文体协会", "商会", "楼宇联合会",
                 "物业管理协会", "居民互助会")
_SCHOOL_KINDS = ("中学", "小学", "实验学校", "第一小学", "第二中学", "幼儿园")
_HOSPITAL_KINDS = ("医院", "中医医院", "妇幼保健院", "口腔医院", "康复医院")
_RESEARCH_FIELDS = ("农林科学", "城市规划设计", "环境保护科学", "建筑设计", "交通发展", "社会科学", "科技情报",
                    "市政工程设计", "食品安全", "生物技术", "新材料", "人工智能", "能源", "城市安全")
UNIVERSITIES = ("中国人民大学", "中央美术学院", "北京交通大学", "对外经济贸易大学", "北京工业大学", "中国传媒大学",
                "北京化工大学", "清华大学", "北京大学", "北京师范大学", "北京航空航天大学", "北京理工大学",
                "中国农业大学", "北京科技大学", "北京邮电大学", "首都师范大学", "首都医科大学", "北京林业大学",
                "中央财经大学", "北京外国语大学", "北京联合大学", "北方工业大学", "北京建筑大学", "首都经济贸易大学",
                "北京城市学院", "北京交通运输职业学院", "北京劳动保障职业学院", "北京社会管理职业学院")

# district bureaus: (name pattern, sector); the organization department is first (a hub)
BUREAUS: tuple[tuple[str, str], ...] = (
    ("中共北京市{d}委组织部", "党委"), ("中共北京市{d}委社会工作部", "党委"), ("中共北京市{d}委宣传部", "党委"),
    ("北京市{d}民政局", "民政"), ("北京市{d}卫生健康委员会", "卫生健康"), ("北京市{d}教育委员会", "教育"),
    ("北京市{d}城市管理委员会", "城市管理"), ("北京市{d}园林绿化局", "园林绿化"), ("北京市{d}文化和旅游局", "文化旅游"),
    ("北京市{d}人力资源和社会保障局", "人力社保"), ("北京市{d}应急管理局", "应急"), ("北京市{d}商务局", "商务"),
    ("北京市{d}司法局", "司法"), ("北京市{d}市场监督管理局", "市场监管"), ("北京市{d}住房和城乡建设委员会", "住建"),
    ("北京市{d}生态环境局", "生态环境"), ("北京市{d}科学技术和信息化局", "科技信息"), ("北京市{d}退役军人事务局", "退役军人"),
    ("北京市{d}城市管理综合行政执法局", "城管执法"), ("北京市{d}体育局", "体育"), ("北京市{d}发展和改革委员会", "发展改革"),
    ("北京市{d}财政局", "财政"), ("北京市{d}水务局", "水务"), ("北京市{d}医疗保障局", "医疗保障"),
    ("北京市{d}政务服务管理局", "政务服务"), ("北京市{d}国有资产监督管理委员会", "国资"), ("北京市{d}统计局", "统计"),
    ("北京市{d}审计局", "审计"), ("北京市{d}人民防空办公室", "人防"), ("{d}总工会", "群团"),
    ("共青团北京市{d}委员会", "群团"), ("{d}妇女联合会", "群团"),
)
CITY_BUREAUS: tuple[tuple[str, str], ...] = (
    ("中共北京市委社会工作部", "党委"), ("中共北京市委组织部", "党委"), ("北京市重点站区管理委员会", "站区管理"),
    ("北京市交通委员会", "交通"), ("北京市民政局", "民政"), ("北京市卫生健康委员会", "卫生健康"),
    ("北京市城市管理委员会", "城市管理"), ("北京市应急管理局", "应急"), ("北京市教育委员会", "教育"),
    ("北京市商务局", "商务"), ("北京市政务服务和数据管理局", "政务服务"), ("北京市公安局", "公安"),
)
# city-wide service companies that sit on many committees
HUBS: tuple[tuple[str, str, str], ...] = (
    ("国网北京市电力公司", "state_enterprise", "电力"), ("北京市自来水集团有限责任公司", "state_enterprise", "供水"),
    ("北京市燃气集团有限责任公司", "state_enterprise", "燃气"), ("北京公共交通控股（集团）有限公司", "transit", "公交"),
    ("中国邮政集团有限公司北京市分公司", "state_enterprise", "邮政"),
)
_ALLIANCE_THEMES = ("商圈", "楼宇", "医疗卫生", "教育", "物业", "交通", "文化", "养老服务", "平安建设", "科技创新")
_SUBCOMMITTEES = ("经济发展专委会", "平安建设专委会", "文化建设专委会", "民生保障专委会", "城市治理专委会")

# ---------------------------------------------------------------------------------------
# Text of needs, resources and projects: category-specific templates, placed after a
# community/street name (needs, projects) or after the offering unit's name (resources).

NEED_TEMPLATES: dict[str, tuple[str, ...]] = {
    "transport": ("早晚高峰接驳公交加密需求", "地铁换乘引导标识优化", "出站口出租车排队疏导"),
    "parking": ("居民夜间停车位不足", "错时共享停车位需求", "非机动车停放秩序整治"),
    "safety": ("老旧楼院消防隐患排查", "重点时段治安巡逻力量不足", "电动自行车充电安全管理"),
    "emergency": ("汛期应急物资储备需求", "大客流应急疏散演练", "应急救护培训需求"),
    "volunteering": ("周末志愿服务力量不足", "文明引导志愿者招募", "清洁家园志愿活动组织"),
    "employment": ("辖区青年就业岗位对接", "困难人员技能培训与就业", "灵活就业人员服务站建设"),
    "elderly_care": ("老年人助餐服务需求", "独居老人定期探访", "适老化改造协助"),
    "health": ("居民义诊服务需求", "慢性病健康管理讲座", "家庭医生签约服务宣传"),
    "maternal_child": ("母婴室设施配置需求", "儿童课后托管服务", "亲子活动场地需求"),
    "education": ("青少年科普课堂需求", "社区居民技能培训", "中小学生假期实践基地"),
    "think_tank": ("基层治理课题研究支持", "街区更新规划咨询", "党建品牌策划咨询"),
    "venue": ("党群活动场地不足", "居民议事会场地需求", "文体活动室借用需求"),
    "environment": ("背街小巷环境整治", "垃圾分类宣传指导", "楼院绿化提升需求"),
    "culture": ("社区文化节演出支持", "传统节日文化活动组织", "居民书画展览需求"),
    "commerce": ("便民商业网点补充", "商圈活力提升合作", "小微商户经营指导"),
    "legal": ("居民法律咨询服务", "物业纠纷调解支持", "普法宣传进楼院"),
    "digital": ("智慧社区平台建设", "老年人智能手机培训", "网格数据共享对接"),
    "party_education": ("主题党日活动资源", "党员教育基地参观", "专题党课师资需求"),
    "publicity": ("党建品牌宣传展示", "先进典型宣传报道", "宣传栏更新制作"),
    "funding": ("微更新项目经费缺口", "志愿服务活动经费支持", "困难群众帮扶资金"),
    "community_service": ("便民维修服务需求", "社区食堂运营支持", "快递代收点设置"),
    "urban_governance": ("接诉即办高频问题协同处置", "占道经营综合治理", "老旧小区物业管理提升"),
}
RESOURCE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "transport": ("通勤班车资源", "接驳车辆调度支持"),
    "parking": ("错时开放停车位", "内部停车场夜间共享"),
    "safety": ("安保巡逻力量", "消防安全培训"),
    "emergency": ("应急物资储备库", "应急救护培训师资"),
    "volunteering": ("党员志愿服务队", "青年志愿者团队"),
    "employment": ("就业岗位信息", "创业指导服务"),
    "elderly_care": ("助老餐桌服务", "养老照护培训"),
    "health": ("义诊巡诊服务", "健康讲座专家"),
    "maternal_child": ("母婴室设施捐赠", "儿童托管服务"),
    "education": ("科普课堂师资", "职业技能培训课程"),
    "think_tank": ("专家智库咨询", "课题研究团队"),
    "venue": ("会议室开放共享", "活动场地共享"),
    "environment": ("绿化养护力量", "环境整治设备"),
    "culture": ("文艺演出团队", "文化展览资源"),
    "commerce": ("商户优惠服务", "商业运营指导"),
    "legal": ("律师法律咨询", "法律援助服务"),
    "digital": ("信息化技术支持", "数据平台服务"),
    "party_education": ("党员教育基地", "党课宣讲团"),
    "publicity": ("宣传阵地资源", "新媒体宣传支持"),
    "funding": ("公益项目资金", "帮扶慰问经费"),
    "community_service": ("便民维修服务", "家政便民服务"),
    "urban_governance": ("城市治理专业力量", "12345诉求协同处置力量"),
}
PROJECT_TEMPLATES: dict[str, tuple[str, ...]] = {
    "transport": ("接驳出行优化项目", "畅通出行共建行动"),
    "parking": ("共享停车共建项目", "停车秩序提升行动"),
    "safety": ("平安楼院共建项目", "安全隐患联防行动"),
    "emergency": ("应急联动共建项目", "应急能力提升行动"),
    "volunteering": ("志愿服务联动项目", "党员志愿先锋行动"),
    "employment": ("就业帮扶共建项目", "岗位对接行动"),
    "elderly_care": ("助老服务共建项目", "暖心助老行动"),
    "health": ("健康服务进社区项目", "义诊巡诊共建行动"),
    "maternal_child": ("母婴关爱共建项目", "儿童友好服务行动"),
    "education": ("共建课堂项目", "技能培训共建行动"),
    "think_tank": ("党建+智库合作项目", "治理课题共研行动"),
    "venue": ("阵地共享项目", "活动场地共建行动"),
    "environment": ("环境整治共建项目", "美丽家园行动"),
    "culture": ("文化共建项目", "邻里文化节"),
    "commerce": ("商圈共建项目", "便民商业提升行动"),
    "legal": ("法律服务共建项目", "普法进楼院行动"),
    "digital": ("智慧治理共建项目", "数字助老行动"),
    "party_education": ("党员教育共建项目", "红色教育联学行动"),
    "publicity": ("党建品牌宣传项目", "典型宣传行动"),
    "funding": ("公益资金帮扶项目", "微更新资金支持行动"),
    "community_service": ("便民服务共建项目", "便民服务提升行动"),
    "urban_governance": ("接诉即办协同项目", "街区治理共建行动"),
}

CATEGORIES = tuple(vocab.CATEGORIES)
UNIT_TYPES = tuple(vocab.VOCABULARIES["unit_type"])
_CAT = {c: i for i, c in enumerate(CATEGORIES)}
_TYPE = {t: i for i, t in enumerate(UNIT_TYPES)}


def _category_weights(base: dict[str, float], boosts: dict[str, dict[str, float]]) -> np.ndarray:
    """A (unit type × category) matrix of weights: a base row, multiplied per type."""
    w = np.ones((len(UNIT_TYPES), len(CATEGORIES)))
    for c, v in base.items():
        w[:, _CAT[c]] = v
    for t, per in boosts.items():
        for c, v in per.items():
            w[_TYPE[t], _CAT[c]] *= v
    return w


NEED_WEIGHTS = _category_weights(
    {"community_service": 3, "elderly_care": 3, "environment": 2.5, "volunteering": 2, "urban_governance": 2,
     "parking": 1.5, "health": 1.5, "culture": 1.5, "safety": 1.5, "funding": 0.5, "think_tank": 0.5},
    {
        "railway": {"transport": 8, "safety": 4, "emergency": 4, "volunteering": 2, "parking": 3},
        "transit": {"transport": 8, "safety": 3, "emergency": 3, "parking": 3},
        "community": {"elderly_care": 2, "community_service": 2, "maternal_child": 1.5, "venue": 2},
        "government": {"think_tank": 4, "urban_governance": 2, "digital": 2, "publicity": 2},
        "private_enterprise": {"employment": 3, "commerce": 3, "party_education": 2, "legal": 2},
        "school": {"education": 4, "safety": 2},
        "hospital": {"volunteering": 2, "parking": 2, "publicity": 2},
    },
)
RESOURCE_WEIGHTS = _category_weights(
    {"volunteering": 2, "venue": 2, "culture": 1.5, "party_education": 1.5},
    {
        "hospital": {"health": 15, "emergency": 4, "maternal_child": 4, "elderly_care": 3},
        "university": {"think_tank": 12, "education": 8, "volunteering": 2, "culture": 2},
        "research_institute": {"think_tank": 12, "digital": 4, "education": 3},
        "school": {"education": 8, "venue": 3},
        "police": {"safety": 12, "emergency": 4, "legal": 3},
        "military": {"safety": 4, "emergency": 6, "volunteering": 3},
        "railway": {"transport": 8, "venue": 2},
        "transit": {"transport": 10, "parking": 3},
        "state_enterprise": {"funding": 3, "employment": 3, "parking": 2, "digital": 2},
        "private_enterprise": {"employment": 3, "commerce": 4, "funding": 2, "digital": 2, "community_service": 2},
        "social_org": {"volunteering": 4, "elderly_care": 4, "legal": 2, "community_service": 3},
        "government": {"funding": 3, "urban_governance": 4, "legal": 2, "publicity": 2},
        "community": {"venue": 3, "volunteering": 2},
    },
)
# categories that run short in some districts (needs there often go unmet)
SHORTAGE_CANDIDATES = ("elderly_care", "parking", "maternal_child", "health", "venue")

# party members per organization: (median, spread) of a log-normal
_PARTY_SIZE = {
    "government": (40, 0.8), "railway": (120, 0.6), "transit": (80, 0.7), "state_enterprise": (45, 1.0),
    "private_enterprise": (6, 0.7), "social_org": (5, 0.6), "university": (900, 0.8),
    "research_institute": (150, 0.7), "hospital": (160, 0.9), "school": (30, 0.6), "police": (50, 0.6),
    "military": (100, 0.5), "community": (60, 0.7),
}


# ---------------------------------------------------------------------------------------
# Presets


@dataclass(frozen=True)
class Preset:
    """The size of a generated dataset. ``districts`` are (name, streets) pairs."""

    name: str
    districts: tuple[tuple[str, int], ...]
    communities: int
    units: int
    needs: int
    resources: int
    projects: int
    agreements: int
    city: bool = True
    bureaus_per_district: int = 20
    community_committee_share: float = 0.5
    alliances: int = 0
    description: str = ""
    # counts of the unit types that are not tied one-to-one to an area (the rest are
    # private enterprises)
    mix: dict[str, int] = field(default_factory=dict)


PRESETS: dict[str, Preset] = {
    "station": Preset(
        "station", (("朝阳区", 3),), communities=9, units=55, needs=50, resources=40, projects=30, agreements=24,
        city=False, bureaus_per_district=32,
        description="one key station area like Beijing Chaoyang station: 16 member units, "
                    "32 district bureaus and 7 universities",
    ),
    "district": Preset(
        "district", (("丰台区", 20),), communities=200, units=1300, needs=800, resources=600, projects=600,
        agreements=700, city=False, bureaus_per_district=30, alliances=12,
        description="one district (丰台区 with 20 streets and three key station areas)",
        mix={"hospital": 15, "school": 70, "university": 4, "research_institute": 8, "military": 3,
             "state_enterprise": 140, "social_org": 120},
    ),
    "beijing": Preset(
        "beijing", DISTRICTS, communities=3400, units=17000, needs=13500, resources=10000, projects=9800,
        agreements=8500, city=True, bureaus_per_district=20, alliances=180,
        description="the whole city: 16 districts, 343 streets, 3,400 communities, 7 key station areas",
        mix={"hospital": 160, "school": 700, "university": len(UNIVERSITIES) + 40, "research_institute": 120,
             "military": 30, "state_enterprise": 1300, "social_org": 1500},
    ),
}


# ---------------------------------------------------------------------------------------
# Small vectorised helpers


def _ids(prefix: str, n: int, width: int | None = None) -> np.ndarray:
    width = width or max(3, len(str(n)))
    return np.array([f"{prefix}{i:0{width}d}" for i in range(1, n + 1)], dtype=object)


def _dates(days_back: np.ndarray) -> np.ndarray:
    """YYYY-MM-DD strings for dates ``days_back`` days before the reference date."""
    return np.datetime_as_string(REFERENCE_DATE - days_back.astype("timedelta64[D]"), unit="D").astype(object)


def _cat_sample(rng: np.random.Generator, weights: np.ndarray, rows: np.ndarray) -> np.ndarray:
    """One category index per row, drawn from ``weights[rows[i]]``."""
    cum = np.cumsum(weights, axis=1)
    cum /= cum[:, -1:]
    u = rng.random(len(rows))
    return np.minimum((u[:, None] > cum[rows]).sum(axis=1), weights.shape[1] - 1)


def _pick_in_groups(rng: np.random.Generator, pool_group: np.ndarray, queries: np.ndarray,
                    weights: np.ndarray | None = None) -> np.ndarray:
    """For each query group, a random pool index with that group (weighted), or -1 if none."""
    order = np.argsort(pool_group, kind="stable")
    keys = pool_group[order]
    w = np.ones(len(order)) if weights is None else weights[order].astype(float)
    cw = np.cumsum(w)
    left = np.searchsorted(keys, queries, "left")
    right = np.searchsorted(keys, queries, "right")
    base = np.where(left > 0, cw[np.maximum(left - 1, 0)], 0.0)
    total = np.where(right > left, cw[np.maximum(right - 1, 0)] - base, 0.0)
    target = base + rng.random(len(queries)) * total
    idx = np.clip(np.searchsorted(cw, target, "right"), left, np.maximum(right - 1, left))
    ok = total > 0
    return np.where(ok, order[np.minimum(idx, len(order) - 1)], -1)


def _template_text(rng: np.random.Generator, templates: dict[str, tuple[str, ...]], cats: np.ndarray) -> np.ndarray:
    flat = np.array([t for c in CATEGORIES for t in templates[c]], dtype=object)
    counts = np.array([len(templates[c]) for c in CATEGORIES])
    offsets = np.concatenate([[0], np.cumsum(counts)[:-1]])
    pick = offsets[cats] + (rng.random(len(cats)) * counts[cats]).astype(int)
    return flat[pick]


def _unique_names(rng: np.random.Generator, first: list[str], second: list[str], n: int,
                  taken: set[str] | None = None) -> list[str]:
    """``n`` distinct names first[i] + second[j], in random order, avoiding ``taken``."""
    combos = [a + b for a in first for b in second]
    combos = [c for c in combos if not taken or c not in taken]
    if n > len(combos):
        raise ValueError(f"only {len(combos)} names for {n}")
    return [combos[i] for i in rng.permutation(len(combos))[:n]]


# ---------------------------------------------------------------------------------------
# Geography


@dataclass
class _Geo:
    areas: pd.DataFrame
    district_ids: list[str]
    district_names: list[str]
    street_ids: np.ndarray
    street_names: np.ndarray  # "安贞街道"
    street_roots: np.ndarray  # "安贞"
    street_kind: np.ndarray  # 街道 / 镇 / 乡 / 地区
    street_district: np.ndarray
    comm_ids: np.ndarray
    comm_names: np.ndarray
    comm_street: np.ndarray
    comm_village: np.ndarray
    station_ids: list[str] = field(default_factory=list)
    station_names: list[str] = field(default_factory=list)
    station_district: list[int] = field(default_factory=list)
    station_street: list[int] = field(default_factory=list)
    city_id: str | None = None


def _build_geo(rng: np.random.Generator, p: Preset) -> _Geo:
    rows: list[tuple[str, str, str, str | None]] = []
    city_id = "BJ" if p.city else None
    if city_id:
        rows.append((city_id, "北京市", "city", None))
    all_names = [d for d, _ in DISTRICTS]
    district_ids = [f"D{all_names.index(d) + 1:02d}" for d, _ in p.districts]
    district_names = [d for d, _ in p.districts]
    for did, dname in zip(district_ids, district_names):
        rows.append((did, dname, "district", city_id))

    # streets
    n_streets = sum(n for _, n in p.districts)
    real = [r for d in district_names for r in REAL_STREETS.get(d, ())]
    invented = _unique_names(rng, list(_STREET_A), list(_STREET_B), n_streets, taken=set(real))
    street_district, roots, kinds = [], [], []
    k = 0
    for di, (dname, n) in enumerate(p.districts):
        mine = list(REAL_STREETS.get(dname, ()))[:n]
        mine += invented[k:k + n - len(mine)]
        k += n - len(REAL_STREETS.get(dname, ())[:n])
        urban = dname in URBAN
        u = rng.random(n)
        for root, x in zip(mine, u):
            if root in ("东风", "将台"):
                kind = "地区"
            elif root in REAL_STREETS.get(dname, ()):
                kind = "街道"
            elif urban:
                kind = "街道" if x < 0.85 else "地区"
            else:
                kind = "街道" if x < 0.35 else ("镇" if x < 0.9 else "乡")
            roots.append(root)
            kinds.append(kind)
            street_district.append(di)
    street_ids = _ids("S", n_streets)
    street_roots = np.array(roots, dtype=object)
    street_kind = np.array(kinds, dtype=object)
    street_names = street_roots + street_kind
    street_district = np.array(street_district)
    for sid, sname, di in zip(street_ids, street_names, street_district):
        rows.append((sid, sname, "street", district_ids[di]))

    # communities: every street gets at least one, the rest in proportion to a street "size"
    size = rng.lognormal(0, 0.5, n_streets)
    extra = rng.multinomial(p.communities - n_streets, size / size.sum())
    comm_street = np.repeat(np.arange(n_streets), 1 + extra)
    n_comm = len(comm_street)
    village = np.isin(street_kind[comm_street], ["镇", "乡"]) & (rng.random(n_comm) < 0.6)
    names = np.empty(n_comm, dtype=object)
    combos = [a + b for a in _COMMUNITY_A for b in _COMMUNITY_B]
    start = 0
    for s, count in enumerate(1 + extra):
        pick = rng.choice(len(combos), size=count, replace=False)
        names[start:start + count] = [combos[i] for i in pick]
        start += count
    vill_root = np.array([n[:2] for n in names], dtype=object)
    comm_names = np.where(village, vill_root + "村", names + "社区")
    # villages of one street may share a root: keep names unique within the street
    dup = pd.DataFrame({"s": comm_street, "n": comm_names}).groupby(["s", "n"], sort=False).cumcount().to_numpy()
    comm_names = np.array([n if d == 0 else f"{n[:-1]}{d + 1}村" for n, d in zip(comm_names, dup)], dtype=object)
    comm_ids = _ids("C", n_comm, 4)
    for cid, cname, s in zip(comm_ids, comm_names, comm_street):
        rows.append((cid, cname, "community", street_ids[s]))

    geo = _Geo(pd.DataFrame(rows, columns=["id", "name", "level", "parent_id"]), district_ids, district_names,
               street_ids, street_names, street_roots, street_kind, street_district, comm_ids, comm_names,
               comm_street, village, city_id=city_id)

    # key station areas with their large and small grids
    grid_rows = []
    z = 0
    for station, dname, small in STATIONS:
        if dname not in district_names or (p.name == "station" and station != "北京朝阳站"):
            continue
        z += 1
        di = district_names.index(dname)
        zid = f"Z{z}"
        in_district = np.flatnonzero(street_district == di)
        home = int(in_district[0] if p.name == "station" else rng.choice(in_district))
        geo.station_ids.append(zid)
        geo.station_names.append(station)
        geo.station_district.append(di)
        geo.station_street.append(home)
        grid_rows.append((zid, f"{station}地区", "station_area", district_ids[di]))
        grid_rows.append((f"G{z}", f"{station}地区大网格", "grid", zid))
        for g in range(1, small + 1):
            grid_rows.append((f"G{z}-{g:02d}", f"{station}地区第{g}小网格", "grid", f"G{z}"))
    geo.areas = pd.concat([geo.areas, pd.DataFrame(grid_rows, columns=geo.areas.columns)], ignore_index=True)
    return geo


# ---------------------------------------------------------------------------------------
# Units


_UNIT_COLS = ["name", "type", "sector", "area_id", "district", "street", "community", "tag", "station"]


def _block(names, type_, sector, area_ids, district, street=-1, community=-1, tag="", station=-1) -> pd.DataFrame:
    n = len(names)

    def full(v):
        return np.array(np.broadcast_to(np.asarray(v, dtype=object if isinstance(v, str) else None), (n,)))

    return pd.DataFrame({
        "name": np.asarray(names, dtype=object), "type": full(type_), "sector": full(sector),
        "area_id": np.asarray(area_ids, dtype=object) if not isinstance(area_ids, str) else full(area_ids),
        "district": full(district).astype(int), "street": full(street).astype(int),
        "community": full(community).astype(int), "tag": full(tag), "station": full(station).astype(int),
    })


def _short(district: str) -> str:
    return district[:-1]  # 朝阳区 -> 朝阳


def _station_core(geo: _Geo, z: int, whole_committee: bool) -> pd.DataFrame:
    """The member units that sit in a key station area.

    ``whole_committee`` adds the other member units of the Chaoyang station committee
    (the station preset, where no streets supply them).
    """
    s, di, home = geo.station_names[z], geo.station_district[z], geo.station_street[z]
    d = geo.district_names[di]
    zid = geo.station_ids[z]
    core = [
        (f"北京市重点站区管理委员会{s}地区管理办公室", "government", "站区管理", "station_office"),
        (f"中国铁路北京局集团有限公司{s}", "railway", "铁路", "station_core"),
        (f"北京铁路公安处{s}派出所", "police", "铁路公安", "station_core"),
        (f"{s}交通枢纽运营管理有限公司", "transit", "枢纽运营", "station_core"),
        (f"北京市地铁运营有限公司{s}站区", "transit", "轨道交通", "station_core"),
    ]
    if whole_committee:
        root = geo.street_roots[home]
        core += [
            (f"北京市{d}{root}乡人民政府", "government", "街乡", "street_office"),
            (f"北京市公安局{_short(d)}分局{root}派出所", "police", "公安", "station_core"),
            (f"北京公交集团{s}客运服务部", "transit", "公交", "station_core"),
            (f"{d}消防救援支队{root}消防救援站", "government", "应急", "station_core"),
            (f"北京市{d}{root}社区卫生服务中心", "hospital", "卫生健康", "station_core"),
            ("北京首汽出租汽车有限公司", "state_enterprise", "出租汽车", "station_core"),
            (f"国网北京市电力公司{_short(d)}供电公司", "state_enterprise", "电力", "station_core"),
            (f"北京{s.removeprefix('北京')}商业管理有限公司", "private_enterprise", "商业", "station_core"),
            ("北京恒通餐饮管理有限公司", "private_enterprise", "餐饮", "station_core"),
            ("北京瑞丰物业管理有限公司", "private_enterprise", "物业", "station_core"),
            (f"{root}地区{geo.comm_names[0]}居委会", "community", "社区", "station_core"),
        ]
    rows = [_block([n], t, sec, zid, di, home, -1, tag, z) for n, t, sec, tag in core]
    return pd.concat(rows, ignore_index=True)


def _build_units(rng: np.random.Generator, p: Preset, geo: _Geo) -> pd.DataFrame:
    blocks: list[pd.DataFrame] = []
    dn = geo.district_names
    sd = geo.street_district
    n_streets = len(geo.street_ids)

    for z in range(len(geo.station_ids)):
        blocks.append(_station_core(geo, z, whole_committee=p.name == "station"))
    if p.city:
        blocks.append(_block([n for n, _ in CITY_BUREAUS], "government", [s for _, s in CITY_BUREAUS],
                             geo.city_id, -1, tag="city_bureau"))
        for name, t, sector in HUBS:
            blocks.append(_block([name], t, sector, geo.city_id, -1, tag="hub"))
    for di, d in enumerate(dn):
        bureaus = BUREAUS[: p.bureaus_per_district]
        blocks.append(_block([pat.format(d=d) for pat, _ in bureaus], "government", [s for _, s in bureaus],
                             geo.district_ids[di], di, tag="bureau"))
        blocks[-1].loc[0, "tag"] = "org_dept"
        if p.name == "station":
            continue
        blocks.append(_block([f"北京市公安局{_short(d)}分局"], "police", "公安", geo.district_ids[di], di, tag="bureau"))
        if not p.city:  # a district dataset sees the city-wide companies through their district branches
            for name, t, sector in HUBS[:3]:
                blocks.append(_block([f"{name}{_short(d)}分公司"], t, sector, geo.district_ids[di], di, tag="hub"))

    if p.name == "station":
        blocks.append(_block(list(UNIVERSITIES[:7]), "university", "高校", [None] * 7, 0, 0, tag="think_tank"))
        return _finish_units(rng, pd.concat(blocks, ignore_index=True), geo)

    # one residents' committee per community, one office, police station and health centre per street
    vill = geo.comm_village
    cnames = geo.street_roots[geo.comm_street] + geo.comm_names + np.where(vill, "村民委员会", "居委会")
    blocks.append(_block(cnames, "community", "社区", geo.comm_ids, sd[geo.comm_street], geo.comm_street,
                         np.arange(len(geo.comm_ids)), tag="community"))
    office = {"街道": "街道办事处", "地区": "地区办事处", "镇": "镇人民政府", "乡": "乡人民政府"}
    dstr = np.array(dn, dtype=object)[sd]
    blocks.append(_block(dstr + geo.street_roots + np.array([office[k] for k in geo.street_kind], dtype=object),
                         "government", "街乡", geo.street_ids, sd, np.arange(n_streets), tag="street_office"))
    blocks.append(_block("北京市公安局" + np.array([_short(d) for d in dn], dtype=object)[sd] + "分局"
                         + geo.street_roots + "派出所", "police", "公安", geo.street_ids, sd, np.arange(n_streets),
                         tag="police_station"))
    blocks.append(_block("北京市" + dstr + geo.street_roots + "社区卫生服务中心", "hospital", "卫生健康",
                         geo.street_ids, sd, np.arange(n_streets), tag="health_centre"))

    # the other units, placed in a street (urban districts draw more of them)
    fixed = sum(len(b) for b in blocks)
    mix = dict(p.mix)
    mix["private_enterprise"] = p.units - fixed - sum(mix.values())
    if mix["private_enterprise"] < 0:
        raise ValueError(f"preset {p.name}: the unit mix exceeds {p.units} units")
    street_w = rng.lognormal(0, 0.7, n_streets) * np.where(np.isin(dstr, list(URBAN)), 2.0, 1.0)
    street_w /= street_w.sum()
    for t, n in mix.items():
        st = rng.choice(n_streets, size=n, p=street_w)
        names = _names_for(rng, t, n, dstr[st], geo.street_roots[st])
        for _ in range(10):  # two units of a kind in one street: tell them apart by a place word
            dup = pd.Series(names).duplicated().to_numpy()
            if not dup.any():
                break
            words = np.array(_COMMUNITY_A, dtype=object)[rng.integers(0, len(_COMMUNITY_A), dup.sum())]
            names[dup] = _names_for(rng, t, int(dup.sum()), dstr[st[dup]], geo.street_roots[st[dup]] + words)
        if t == "university":
            names[: len(UNIVERSITIES)] = UNIVERSITIES[:n]
        comm = np.full(n, -1)
        if t in ("school", "social_org", "private_enterprise"):
            inside = rng.random(n) < 0.3
            comm = np.where(inside, _pick_in_groups(rng, geo.comm_street, st), -1)
        area = np.where(comm >= 0, geo.comm_ids[np.maximum(comm, 0)], geo.street_ids[st])
        sector = {"hospital": "卫生健康", "school": "教育", "university": "高校", "research_institute": "科研",
                  "military": "部队", "state_enterprise": "国有企业", "social_org": "社会组织",
                  "private_enterprise": "非公企业"}[t]
        blocks.append(_block(names, t, sector, area, sd[st], st, comm, tag="other"))
    return _finish_units(rng, pd.concat(blocks, ignore_index=True), geo)


def _names_for(rng: np.random.Generator, t: str, n: int, districts: np.ndarray, roots: np.ndarray) -> np.ndarray:
    """Names of ``n`` units of type ``t`` placed in the given districts and streets."""
    pick = lambda seq: np.array(seq, dtype=object)[rng.integers(0, len(seq), n)]  # noqa: E731
    if t == "private_enterprise":
        brands = [a + b for a in _BRAND_A for b in _BRAND_B]
        combos = len(brands) * len(_INDUSTRIES)
        k = rng.choice(combos, size=n, replace=n > combos)
        return np.array([f"北京{brands[i // len(_INDUSTRIES)]}{_INDUSTRIES[i % len(_INDUSTRIES)]}有限公司"
                         for i in k], dtype=object)
    if t == "state_enterprise":
        return "北京" + roots + pick(["城建", "城投", "首开", "市政", "金隅", "能源", "文投", "商业"]) + pick(_SOE_KINDS)
    if t == "social_org":
        return districts + roots + pick(_SOCIAL_KINDS)
    if t == "school":
        return "北京市" + districts + roots + pick(_SCHOOL_KINDS)
    if t == "hospital":
        return "北京市" + districts + roots + pick(_HOSPITAL_KINDS)
    if t == "university":  # the real names are put in by the caller
        return "北京" + roots + "学院"
    if t == "research_institute":
        return "北京市" + pick(_RESEARCH_FIELDS) + "研究院" + roots + "分院"
    if t == "military":
        return np.array([f"中国人民解放军{x}部队" for x in rng.integers(30000, 99999, n)], dtype=object)
    raise ValueError(t)


def _finish_units(rng: np.random.Generator, units: pd.DataFrame, geo: _Geo) -> pd.DataFrame:
    """Ids, home streets, prominence (who gets on committees) and activity (who does things)."""
    n = len(units)
    units.insert(0, "id", _ids("U", n))
    # units above street level act in some street of their district (or of the city)
    home = units["street"].to_numpy().copy()
    no_street = home < 0
    dist = units["district"].to_numpy()
    in_d = _pick_in_groups(rng, geo.street_district, np.maximum(dist, 0))
    anywhere = rng.integers(0, len(geo.street_ids), n)
    home = np.where(no_street, np.where(dist >= 0, in_d, anywhere), home)
    units["street"] = home
    units["district"] = geo.street_district[home]
    tag = units["tag"].to_numpy()
    type_ = units["type"].to_numpy()
    # heavy-tailed prominence: a Pareto tail, bigger for big institutions
    big = np.isin(type_, ["university", "hospital", "state_enterprise", "railway", "transit", "research_institute"])
    prominence = (rng.pareto(1.3, n) + 1.0) * np.where(big, 2.5, 1.0)
    prominence = np.where(np.isin(tag, ["hub", "org_dept", "city_bureau", "station_office"]), 50.0, prominence)
    prominence = np.minimum(prominence, 200.0)
    # paper members: on committees, never raise, offer or join anything
    never_paper = np.isin(tag, ["community", "street_office", "station_office", "station_core", "hub", "org_dept"])
    paper_rate = np.where(tag == "bureau", 0.35, 0.2)
    paper = ~never_paper & (rng.random(n) < paper_rate)
    activity = prominence ** 0.6 * rng.lognormal(0, 0.5, n) * ~paper
    units["prominence"] = prominence
    units["activity"] = activity
    units["paper"] = paper
    return units


# ---------------------------------------------------------------------------------------
# Committees and memberships


_CADENCE = {"city": ("quarterly", 4), "district": ("quarterly", 4), "street": ("monthly", 12),
            "community": ("monthly", 12), "station_area": ("monthly", 12), "alliance": ("quarterly", 4)}


class _Committees:
    def __init__(self, rng: np.random.Generator, units: pd.DataFrame):
        self.rng = rng
        self.units = units
        self.rows: list[tuple] = []
        self.members: list[np.ndarray] = []
        self.roles: list[np.ndarray] = []
        self.street_pool = self._pools(units["street"].to_numpy())
        self.district_pool = self._pools(units["district"].to_numpy())
        self.prominence = units["prominence"].to_numpy()

    @staticmethod
    def _pools(keys: np.ndarray) -> dict[int, np.ndarray]:
        order = np.argsort(keys, kind="stable")
        uniq, starts = np.unique(keys[order], return_index=True)
        return {int(k): part for k, part in zip(uniq, np.split(order, starts[1:]))}

    def add(self, name: str, level: str, area_id, parent: int | None, lead: np.ndarray, others: np.ndarray) -> int:
        self.rows.append((name, level, area_id, parent))
        members = np.concatenate([lead, others]).astype(int)
        self.members.append(members)
        self.roles.append(np.array(["主任单位"] * len(lead) + ["成员单位"] * len(others), dtype=object))
        return len(self.rows) - 1

    def sample(self, pool: np.ndarray, k: int, exclude: np.ndarray | None = None) -> np.ndarray:
        if exclude is not None and len(exclude):
            pool = pool[~np.isin(pool, exclude)]
        k = min(k, len(pool))
        if k <= 0:
            return np.array([], dtype=int)
        w = self.prominence[pool]
        return self.rng.choice(pool, size=k, replace=False, p=w / w.sum())

    def frames(self, founded_from: int = 2018) -> tuple[pd.DataFrame, pd.DataFrame]:
        rng = self.rng
        n = len(self.rows)
        ids = _ids("CM", n, 4)
        name, level, area, parent = zip(*self.rows)
        level = np.array(level, dtype=object)
        cadence = np.array([_CADENCE[lv][0] for lv in level], dtype=object)
        expected = np.array([_CADENCE[lv][1] for lv in level])
        # most committees keep their cadence; about one in eight has gone quiet
        quiet = rng.random(n) < 0.12
        meetings = np.where(quiet, rng.integers(0, 3, n), np.round(expected * rng.uniform(0.75, 1.1, n))).astype(int)
        parent_ids = np.array([ids[q] if q is not None else None for q in parent], dtype=object)
        committees = pd.DataFrame({"id": ids, "name": np.array(name, dtype=object), "level": level,
                                   "area_id": np.array(area, dtype=object), "parent_id": parent_ids,
                                   "cadence": cadence, "meetings": meetings})
        founded_days = (REFERENCE_DATE - np.datetime64(f"{founded_from}-01-01")).astype(int)
        founded = rng.integers(365, founded_days, n)  # days before the reference date
        sizes = np.array([len(m) for m in self.members])
        cidx = np.repeat(np.arange(n), sizes)
        uidx = np.concatenate(self.members)
        since_back = (founded[cidx] * rng.random(len(cidx)) ** 0.5).astype(int)
        memberships = pd.DataFrame({"unit_id": self.units["id"].to_numpy()[uidx], "committee_id": ids[cidx],
                                    "role": np.concatenate(self.roles), "since": _dates(since_back)})
        memberships = memberships.drop_duplicates(["unit_id", "committee_id"], keep="first")
        return committees, memberships.reset_index(drop=True)


def _build_committees(rng: np.random.Generator, p: Preset, geo: _Geo, units: pd.DataFrame):
    c = _Committees(rng, units)
    tag = units["tag"].to_numpy()
    type_ = units["type"].to_numpy()
    street = units["street"].to_numpy()
    district = units["district"].to_numpy()
    station = units["station"].to_numpy()
    hubs = np.flatnonzero(tag == "hub")

    if p.name == "station":
        core = np.flatnonzero(station == 0)
        office = core[tag[core] == "station_office"]
        top = c.add(f"{geo.station_names[0]}地区党建工作协调委员会", "station_area", geo.station_ids[0], None,
                    office, core[core != office[0]])
        c.add(f"{geo.station_names[0]}地区三张清单共建单位联席会", "alliance", geo.station_ids[0], top,
              office, np.flatnonzero(np.isin(tag, ["bureau", "org_dept"])))
        c.add(f"{geo.station_names[0]}地区“党建+智库”联盟", "alliance", geo.station_ids[0], top,
              office, np.flatnonzero(tag == "think_tank"))
        return c.frames(founded_from=2022)

    city = None
    if p.city:
        city_units = np.flatnonzero(tag == "city_bureau")
        city = c.add("北京市党建工作协调委员会", "city", geo.city_id, None, city_units[:1],
                     np.concatenate([city_units[1:], np.flatnonzero(tag == "org_dept"), hubs]))
    district_cm = {}
    big = np.isin(type_, ["hospital", "university", "state_enterprise", "research_institute", "military"])
    for di, d in enumerate(geo.district_names):
        in_d = c.district_pool[di]
        lead = in_d[tag[in_d] == "org_dept"]
        bureaus = in_d[tag[in_d] == "bureau"]
        notable = c.sample(in_d[big[in_d] & (tag[in_d] == "other")], int(rng.integers(10, 25)))
        district_cm[di] = c.add(f"{d}党建工作协调委员会", "district", geo.district_ids[di], city, lead,
                                np.concatenate([bureaus, hubs[district[hubs] == di] if not p.city else hubs, notable]))
        if d == "朝阳区":  # Chaoyang's five domain sub-committees
            for sub in _SUBCOMMITTEES:
                c.add(f"{d}党建工作协调委员会{sub}", "alliance", geo.district_ids[di], district_cm[di], lead,
                      c.sample(in_d, int(rng.integers(12, 26)), exclude=lead))
    street_cm = {}
    for s, sid in enumerate(geo.street_ids):
        di = int(geo.street_district[s])
        pool = c.street_pool.get(s, np.array([], dtype=int))
        structural = pool[np.isin(tag[pool], ["community", "police_station", "health_centre"])]
        office = pool[tag[pool] == "street_office"]
        org_dept = c.district_pool[di][tag[c.district_pool[di]] == "org_dept"]
        # heavy-tailed committee sizes: median ~20 sampled members, a few over 100
        k = int(min(rng.lognormal(np.log(20), 0.8), 200))
        others = c.sample(pool[tag[pool] == "other"], k)
        visiting_hubs = hubs[rng.random(len(hubs)) < (0.25 if p.city else 0.8)]
        street_cm[s] = c.add(f"{geo.street_names[s]}党建工作协调委员会", "street", sid, district_cm[di], office,
                             np.concatenate([org_dept, structural, others, visiting_hubs]))
    # community committees for a share of the communities
    local_cm: dict[int, list[int]] = {}
    comm_units = np.flatnonzero(tag == "community")
    chosen = comm_units[rng.random(len(comm_units)) < p.community_committee_share]
    comm_col = units["community"].to_numpy()
    for u in chosen:
        s = int(street[u])
        pool = c.street_pool[s]
        pool = pool[tag[pool] == "other"]
        near = pool[comm_col[pool] == comm_col[u]]
        others = np.concatenate([near, c.sample(pool, int(rng.integers(2, 11)), exclude=near)])
        ci = int(comm_col[u])
        local_cm.setdefault(s, []).append(
            c.add(f"{geo.street_roots[s]}{geo.comm_names[ci]}党建协调委员会", "community", geo.comm_ids[ci],
                  street_cm[s], np.array([u]), others))
    # key station areas
    for z, zid in enumerate(geo.station_ids):
        core = np.flatnonzero(station == z)
        office = core[tag[core] == "station_office"]
        home, di = geo.station_street[z], geo.station_district[z]
        pool = c.street_pool[home]
        local = pool[np.isin(tag[pool], ["street_office", "police_station", "health_centre"])]
        in_d = c.district_pool[di]
        bureaus = c.sample(in_d[tag[in_d] == "bureau"], int(rng.integers(3, 7)))
        parent = city if city is not None else None
        c.add(f"{geo.station_names[z]}地区党建工作协调委员会", "station_area", zid, parent, office,
              np.concatenate([core[core != office[0]], local, bureaus, hubs[:1]]))
    # themed alliances inside streets, where the streets have many units
    pool_size = np.array([len(c.street_pool.get(s, ())) for s in range(len(geo.street_ids))], dtype=float)
    for s in rng.choice(len(geo.street_ids), size=p.alliances, p=pool_size / pool_size.sum()):
        pool = c.street_pool[int(s)]
        pool = pool[tag[pool] == "other"]
        members = c.sample(pool, int(rng.integers(6, 40)))
        if len(members) < 3:
            continue
        theme = _ALLIANCE_THEMES[int(rng.integers(len(_ALLIANCE_THEMES)))]
        name = f"{geo.street_names[s]}{theme}党建联盟"
        if any(r[0] == name for r in c.rows):
            name = f"{geo.street_names[s]}{theme}第二党建联盟"
            if any(r[0] == name for r in c.rows):
                continue
        local_cm.setdefault(int(s), []).append(
            c.add(name, "alliance", geo.street_ids[s], street_cm[int(s)], members[:1], members[1:]))
    # every unit takes part somewhere: the rest join their street's committee or one of
    # the community committees and alliances in their street
    seen = np.zeros(len(units), dtype=bool)
    seen[np.concatenate(c.members)] = True
    for s in np.unique(street[~seen]):
        late = np.flatnonzero(~seen & (street == s))
        options = [street_cm[int(s)], *local_cm.get(int(s), [])]
        where = np.array(options)[rng.integers(0, len(options), len(late))]
        for cm in options:
            joining = late[where == cm]
            c.members[cm] = np.concatenate([c.members[cm], joining])
            c.roles[cm] = np.concatenate([c.roles[cm], np.full(len(joining), "成员单位", dtype=object)])
    return c.frames()


# ---------------------------------------------------------------------------------------
# Party organizations and agreements


def _build_party_orgs(rng: np.random.Generator, units: pd.DataFrame) -> pd.DataFrame:
    n = len(units)
    type_ = units["type"].to_numpy()
    tag = units["tag"].to_numpy()
    median = np.array([_PARTY_SIZE[t][0] for t in type_], dtype=float)
    spread = np.array([_PARTY_SIZE[t][1] for t in type_])
    members = np.maximum(3, np.round(median * rng.lognormal(0, spread))).astype(int)
    org_type = np.where(members >= 100, "committee", np.where(members >= 50, "general_branch", "branch")).astype(object)
    joint = (type_ == "private_enterprise") & (members < 8) & (rng.random(n) < 0.3)
    org_type = np.where(joint, "joint_branch", org_type)
    org_type = np.where(np.isin(tag, ["street_office", "org_dept", "city_bureau"]), "committee", org_type)
    suffix = {"committee": "党委", "general_branch": "党总支", "branch": "党支部", "joint_branch": "等非公企业联合党支部"}
    suffix_arr = np.array([suffix[t] for t in org_type], dtype=object)
    suffix_arr = np.where(tag == "street_office", "党工委", suffix_arr)
    suffix_arr = np.where((type_ == "government") & (tag != "street_office") & (org_type == "committee"),
                          "机关党委", suffix_arr)
    ids = _ids("PO", n)
    # territorial units report to their street's party working committee, street and
    # district bodies to the district organization department; the vertical lines (条:
    # railway, hospitals, universities, police, military, state enterprises) report
    # outside the dataset, which is why nothing in it ties them together
    street = units["street"].to_numpy()
    district = units["district"].to_numpy()
    office_of_street = np.full(street.max() + 1, -1)
    offices = np.flatnonzero(tag == "street_office")
    office_of_street[street[offices]] = offices
    dept_of_district = np.full(district.max() + 1, -1)
    depts = np.flatnonzero(tag == "org_dept")
    dept_of_district[district[depts]] = depts
    territorial = np.isin(type_, ["community", "private_enterprise", "social_org", "school"])
    parent = np.where(territorial, office_of_street[street], -1)
    parent = np.where(np.isin(tag, ["street_office", "bureau"]), dept_of_district[district], parent)
    parent = np.where(np.arange(n) == parent, -1, parent)
    return pd.DataFrame({
        "id": ids, "name": units["name"].to_numpy() + suffix_arr, "unit_id": units["id"].to_numpy(),
        "type": org_type, "parent_id": np.where(parent >= 0, ids[np.maximum(parent, 0)], None),
        "members": members,
    })


def _build_agreements(rng: np.random.Generator, p: Preset, units: pd.DataFrame) -> pd.DataFrame:
    n = p.agreements
    prom = units["prominence"].to_numpy()
    street = units["street"].to_numpy()
    district = units["district"].to_numpy()
    type_ = units["type"].to_numpy()
    a = rng.choice(len(units), size=n, p=prom / prom.sum())
    scope = rng.random(n)
    same_street = _pick_in_groups(rng, street, street[a], prom)
    same_district = _pick_in_groups(rng, district, district[a], prom)
    anywhere = rng.choice(len(units), size=n, p=prom / prom.sum())
    b = np.where(scope < 0.65, same_street, np.where(scope < 0.9, same_district, anywhere))
    b = np.where(b < 0, anywhere, b)
    if p.name == "station":  # the think-tank agreements of the station office with 7 universities
        office = np.flatnonzero(units["tag"].to_numpy() == "station_office")[0]
        unis = np.flatnonzero(type_ == "university")
        a = np.concatenate([np.full(len(unis), office), a])
        b = np.concatenate([unis, b])
    lo, hi = np.minimum(a, b), np.maximum(a, b)
    scholarly = np.isin(type_[lo], ["university", "research_institute"]) | np.isin(type_[hi], ["university", "research_institute"])
    kinds = np.array(["结对共建", "联建共建", "志愿服务共建", "区域化党建共建"], dtype=object)
    kind = np.where(scholarly, "党建+智库", kinds[rng.integers(0, len(kinds), len(lo))])
    signed = _dates(rng.integers(0, (REFERENCE_DATE - np.datetime64("2019-01-01")).astype(int), len(lo)))
    ids = units["id"].to_numpy()
    out = pd.DataFrame({"unit_a": ids[lo], "unit_b": ids[hi], "kind": kind, "signed": signed})
    out = out[lo != hi].drop_duplicates(["unit_a", "unit_b", "kind"], keep="first")
    return out.reset_index(drop=True)


# ---------------------------------------------------------------------------------------
# The three lists: needs, resources, projects (and who takes part)


_NEED_FACTOR = {"community": 4.0, "railway": 3.0, "transit": 2.0, "government": 1.0}
_RESOURCE_FACTOR = {"university": 3.0, "hospital": 2.0, "state_enterprise": 1.5, "research_institute": 2.0,
                    "police": 1.5, "community": 0.5}


def _place(rng: np.random.Generator, geo: _Geo, units: pd.DataFrame, who: np.ndarray):
    """Area id and place name of a list item: the unit's community, else its street."""
    comm = units["community"].to_numpy()[who]
    street = units["street"].to_numpy()[who]
    use_comm = (comm >= 0) & (rng.random(len(who)) < 0.9)
    c = np.maximum(comm, 0)
    area = np.where(use_comm, geo.comm_ids[c], geo.street_ids[street])
    name = np.where(use_comm, geo.street_roots[street] + geo.comm_names[c], geo.street_names[street])
    return area, name


def _build_lists(rng: np.random.Generator, p: Preset, geo: _Geo, units: pd.DataFrame):
    n_units = len(units)
    type_ = units["type"].to_numpy()
    tidx = np.array([_TYPE[t] for t in type_])
    activity = units["activity"].to_numpy()
    district_of_unit = units["district"].to_numpy()
    names = units["name"].to_numpy()
    uids = units["id"].to_numpy()

    # needs
    w = activity * np.array([_NEED_FACTOR.get(t, 1.0) for t in type_])
    raiser = rng.choice(n_units, size=p.needs, p=w / w.sum())
    ncat = _cat_sample(rng, NEED_WEIGHTS, tidx[raiser])
    n_area, n_place = _place(rng, geo, units, raiser)
    qty = rng.geometric(0.35, p.needs)
    needs = pd.DataFrame({
        "id": _ids("N", p.needs),
        "title": n_place + _template_text(rng, NEED_TEMPLATES, ncat),
        "category": np.array(CATEGORIES, dtype=object)[ncat],
        "unit_id": uids[raiser],
        "description": names[raiser] + "提出，需协调" + np.array([vocab.zh_label("category", c) for c in CATEGORIES],
                                                             dtype=object)[ncat] + "方面的支持，数量" + qty.astype(str).astype(object),
        "area_id": n_area,
        "raised": _dates(rng.integers(0, 365, p.needs)),
        "urgency": np.array(["low", "medium", "high"], dtype=object)[_cat_sample(rng, np.array([[5.0, 3.5, 1.5]]), np.zeros(p.needs, int))],
        "quantity": qty,
    })
    need_district = district_of_unit[raiser]

    # resources, with the scarce categories thinned out in their districts
    w = activity * np.array([_RESOURCE_FACTOR.get(t, 1.0) for t in type_])
    provider = rng.choice(n_units, size=p.resources, p=w / w.sum())
    rcat = _cat_sample(rng, RESOURCE_WEIGHTS, tidx[provider])
    res_district = district_of_unit[provider]
    n_short = max(1, len(geo.district_names) // 5)
    short_d = rng.choice(len(geo.district_names), size=n_short, replace=False)
    short_c = np.array([_CAT[c] for c in SHORTAGE_CANDIDATES])[rng.integers(0, len(SHORTAGE_CANDIDATES), n_short)]
    for d, cat in zip(short_d, short_c):
        hit = (res_district == d) & (rcat == cat) & (rng.random(p.resources) < 0.9)
        if hit.any():
            weights = RESOURCE_WEIGHTS.copy()
            weights[:, cat] = 0
            rcat[hit] = _cat_sample(rng, weights, tidx[provider[hit]])
    r_area, _ = _place(rng, geo, units, provider)
    resources = pd.DataFrame({
        "id": _ids("R", p.resources),
        "title": names[provider] + _template_text(rng, RESOURCE_TEMPLATES, rcat),
        "category": np.array(CATEGORIES, dtype=object)[rcat],
        "unit_id": uids[provider],
        "description": "面向" + np.array(geo.district_names, dtype=object)[res_district] + "成员单位开放，按需预约",
        "area_id": r_area,
        "capacity": 1 + rng.geometric(0.2, p.resources),
        "available_until": _dates(-rng.integers(-60, 720, p.resources)),
    })

    # projects: needs with resources of their category in their district are more
    # likely to be served; the rest stay open (unmet)
    key_n = need_district * len(CATEGORIES) + ncat
    key_r = res_district * len(CATEGORIES) + rcat
    supply = np.bincount(key_r, minlength=len(geo.district_names) * len(CATEGORIES))
    demand = np.bincount(key_n, minlength=len(supply))
    served_p = 0.1 + 0.8 * np.minimum(1.0, supply[key_n] / (0.5 * demand[key_n]))
    n_cover = min(p.needs, p.projects + round((p.needs - p.projects) * 0.45))
    keys = np.log(rng.random(p.needs)) / served_p  # Efraimidis–Spirakis weighted order
    covered = np.argsort(-keys, kind="stable")[:n_cover]
    first, extra = covered[: p.projects], covered[p.projects:]
    proj_of_extra = _pick_in_groups(rng, key_n[first], key_n[extra])
    proj_of_extra = np.where(proj_of_extra >= 0, proj_of_extra, rng.integers(0, p.projects, len(extra)))
    pid = _ids("P", p.projects)
    links = pd.DataFrame({"project": np.concatenate([np.arange(p.projects), proj_of_extra]),
                          "need": np.concatenate([first, extra])}).sort_values(["project", "need"], kind="stable")
    need_ids = needs["id"].to_numpy()
    link_project = links["project"].to_numpy()
    starts = np.flatnonzero(np.r_[True, link_project[1:] != link_project[:-1]])
    need_lists = np.array([";".join(g) for g in np.split(need_ids[links["need"].to_numpy()], starts[1:])], dtype=object)

    pcat = ncat[first]
    provider_pick = _pick_in_groups(rng, key_r, key_n[first], activity[provider])
    lead = np.where((provider_pick >= 0) & (rng.random(p.projects) < 0.7), provider[np.maximum(provider_pick, 0)],
                    raiser[first])
    status = np.array(["planned", "active", "completed", "suspended"], dtype=object)[
        _cat_sample(rng, np.array([[1.0, 3.5, 5.0, 0.5]]), np.zeros(p.projects, int))]
    raised_back = (REFERENCE_DATE - needs["raised"].to_numpy()[first].astype("datetime64[D]")).astype(int)
    start_back = np.maximum(raised_back - rng.integers(5, 60, p.projects), 0)
    start_back = np.where(status == "planned", -rng.integers(5, 60, p.projects), start_back)
    end_back = np.maximum(start_back - rng.integers(20, 180, p.projects), 0)
    projects = pd.DataFrame({
        "id": pid,
        "title": n_place[first] + _template_text(rng, PROJECT_TEMPLATES, pcat),
        "category": np.array(CATEGORIES, dtype=object)[pcat],
        "lead_unit_id": uids[lead],
        "status": status,
        "start_date": _dates(start_back),
        "end_date": np.where(np.isin(status, ["completed", "suspended"]), _dates(end_back), None),
        "need_ids": need_lists,
    })

    # need status follows the project that serves it
    nstatus = np.where(rng.random(p.needs) < 0.1, "closed", "open").astype(object)
    proj_status = status[links["project"].to_numpy()]
    served_status = np.select(
        [proj_status == "planned", proj_status == "active", proj_status == "completed"],
        ["dispatched", np.where(rng.random(len(links)) < 0.7, "accepted", "partial"),
         np.where(rng.random(len(links)) < 0.9, "fulfilled", "partial")],
        default="accepted")
    nstatus[links["need"].to_numpy()] = served_status
    needs["status"] = nstatus

    # participations: lead, the raising unit, and a heavy-tailed number of others,
    # mostly from the same district
    extra_k = rng.geometric(0.45, p.projects) - 1
    extra_k = np.minimum(extra_k + (rng.random(p.projects) < 0.05) * rng.integers(3, 12, p.projects), 15)
    rows = np.repeat(np.arange(p.projects), extra_k)
    same = _pick_in_groups(rng, district_of_unit, need_district[first][rows], activity)
    far = rng.choice(n_units, size=len(rows), p=activity / activity.sum())
    who = np.where((rng.random(len(rows)) < 0.85) & (same >= 0), same, far)
    part = pd.DataFrame({
        "project_id": np.concatenate([pid, pid, pid[rows]]),
        "unit_id": uids[np.concatenate([lead, raiser[first], who])],
        "role": np.concatenate([np.full(p.projects, "牵头单位", dtype=object), np.full(p.projects, "需求单位", dtype=object),
                                np.full(len(rows), "参与单位", dtype=object)]),
    })
    # units that are not paper members but drew nothing join one project in their district
    idle = np.ones(n_units, dtype=bool)
    idle[np.concatenate([raiser, provider, lead, raiser[first], who])] = False
    idle = np.flatnonzero(idle & (activity > 0))
    joins = _pick_in_groups(rng, need_district[first], district_of_unit[idle])
    joins = np.where(joins >= 0, joins, rng.integers(0, p.projects, len(idle)))
    part = pd.concat([part, pd.DataFrame({"project_id": pid[joins], "unit_id": uids[idle], "role": "参与单位"})],
                     ignore_index=True)
    part = part.drop_duplicates(["project_id", "unit_id"], keep="first")
    part = part.sort_values("project_id", kind="stable").reset_index(drop=True)
    shortages = tuple(sorted((geo.district_ids[d], CATEGORIES[c]) for d, c in zip(short_d, short_c)))
    return needs, resources, projects, part, shortages


# ---------------------------------------------------------------------------------------
# Entry points


@dataclass(frozen=True)
class Truth:
    """What the generator built in on purpose, for checking analyses against.

    ``paper_units``: units drawn as paper members (on committees, never raise, offer or
    join anything; a few more units end up idle by chance). ``shortages``: (district id,
    category) pairs where 90% of the resources of that category were taken away.
    ``hubs``: the units placed on many committees (district organization departments
    and city-wide service companies).
    """

    paper_units: tuple[str, ...]
    shortages: tuple[tuple[str, str], ...]
    hubs: tuple[str, ...]


def generate(preset: str, seed: int = 0) -> dict[str, pd.DataFrame]:
    """Generate a synthetic dataset; return one DataFrame per table in the schema's order.

    Parameters
    ----------
    preset : "station", "district" or "beijing"
    seed : the random seed; the same preset and seed always give the same tables.

    Raises
    ------
    OptionError
        For an unknown preset or a negative seed.

    Examples
    --------
    >>> t = generate("district", seed=3)
    >>> sorted(t["areas"]["level"].unique())
    ['community', 'district', 'grid', 'station_area', 'street']
    """
    return generate_with_truth(preset, seed)[0]


def generate_with_truth(preset: str, seed: int = 0) -> tuple[dict[str, pd.DataFrame], Truth]:
    """Like :func:`generate`, and also the :class:`Truth` built into the dataset.

    >>> tables, truth = generate_with_truth("station", seed=1)
    >>> set(truth.paper_units) & set(tables["needs"]["unit_id"])
    set()
    """
    if preset not in PRESETS:
        raise OptionError(f"unknown preset {preset!r}; choose one of {', '.join(PRESETS)}")
    if seed < 0:
        raise OptionError(f"the seed must be 0 or more, not {seed}")
    p = PRESETS[preset]
    rng = np.random.default_rng(seed)
    geo = _build_geo(rng, p)
    units = _build_units(rng, p, geo)
    committees, memberships = _build_committees(rng, p, geo, units)
    party_orgs = _build_party_orgs(rng, units)
    agreements = _build_agreements(rng, p, units)
    needs, resources, projects, participations, shortages = _build_lists(rng, p, geo, units)
    tables = {
        "areas": geo.areas,
        "committees": committees,
        "units": units,
        "party_orgs": party_orgs,
        "memberships": memberships,
        "agreements": agreements,
        "needs": needs,
        "resources": resources,
        "projects": projects,
        "participations": participations,
    }
    out = {}
    for t in schema.TABLES:
        cols = [c.name for c in t.columns if c.name in tables[t.name].columns and not c.personal]
        out[t.name] = tables[t.name][cols].reset_index(drop=True)
    truth = Truth(
        paper_units=tuple(units.loc[units["paper"], "id"]),
        shortages=shortages,
        hubs=tuple(units.loc[units["tag"].isin(["hub", "org_dept"]), "id"]),
    )
    return out, truth


def write_generated(preset: str, seed: int, out: str | Path, force: bool = False) -> dict[str, int]:
    """Generate a dataset and write it as ``<table>.csv`` files in the folder ``out``.

    The files are written to a temporary folder beside ``out`` and moved into place at
    the end, so an interrupted run leaves nothing half-written. Returns the row count of
    each table.

    Raises
    ------
    OptionError
        For an unknown preset, or when ``out`` exists and is not an empty folder
        (unless ``force``; then its ``<table>.csv`` files are replaced).
    """
    out = Path(out)
    if out.exists() and not out.is_dir():
        raise OptionError(f"{out} is a file; give a folder for the dataset")
    if out.is_dir() and any(out.iterdir()) and not force:
        raise OptionError(f"{out} is not empty; give a new folder or use --force to replace its tables")
    tables = generate(preset, seed)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
    try:
        write_dataset(tables, tmp, fmt="csv")
        out.mkdir(exist_ok=True)
        for name in tables:
            os.replace(tmp / f"{name}.csv", out / f"{name}.csv")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return {name: len(df) for name, df in tables.items()}
