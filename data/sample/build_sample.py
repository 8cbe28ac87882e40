"""Build graphgov's bundled sample dataset (the CSV files beside this script).

The sample models three real coordination networks described in public reports:
Beijing's key station areas (with the Chaoyang station-area committee and a few
Chaoyang street committees), the Fuzhou railway station alliance "八闽第一站" and the
Tianjin metro station public-transport alliance. Names of organizations follow the
sources where they give them; everything else (titles, descriptions, figures of
single rows, contacts) is invented. Contacts and phones are obviously fictional.

Run ``python data/sample/build_sample.py`` to rewrite the CSV files and README.md;
the output is byte-for-byte deterministic. ``--check`` also verifies references,
sizes and the deliberate gaps (needs pandas and networkx).
"""
from __future__ import annotations

import csv
import datetime as dt
import random
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
SEED = 20240601
REFERENCE_DATE = dt.date(2025, 12, 31)  # the "today" the gaps in README.md are stated for

# ---------------------------------------------------------------------------
# Areas: (id, name, level, parent_id)
# ---------------------------------------------------------------------------
AREAS: list[tuple[str, str, str, str]] = [
    ("BJ", "北京市", "city", ""),
    ("BJ-CY", "朝阳区", "district", "BJ"),
    ("BJ-DC", "东城区", "district", "BJ"),
    ("BJ-XC", "西城区", "district", "BJ"),
    ("BJ-FT", "丰台区", "district", "BJ"),
    ("BJ-HD", "海淀区", "district", "BJ"),
    ("BJ-YQ", "延庆区", "district", "BJ"),
    ("BJ-CY-DF", "东风地区", "street", "BJ-CY"),
    ("BJ-CY-CW", "朝外街道", "street", "BJ-CY"),
    ("BJ-CY-AZ", "安贞街道", "street", "BJ-CY"),
    ("BJ-CY-BLZ", "八里庄街道", "street", "BJ-CY"),
    ("BJ-CY-SJ", "双井街道", "street", "BJ-CY"),
    ("BJ-CY-DB", "东坝地区", "street", "BJ-CY"),
    ("BJ-CY-DF-01", "将府家园社区", "community", "BJ-CY-DF"),
    ("BJ-CY-DF-02", "驼房营社区", "community", "BJ-CY-DF"),
    ("BJ-CY-CW-01", "吉市口社区", "community", "BJ-CY-CW"),
    ("BJ-CY-CW-02", "雅宝里社区", "community", "BJ-CY-CW"),
    ("BJ-CY-AZ-01", "安华里社区", "community", "BJ-CY-AZ"),
    ("BJ-CY-AZ-02", "安贞里社区", "community", "BJ-CY-AZ"),
    ("BJ-CY-AZ-03", "外馆斜街社区", "community", "BJ-CY-AZ"),
    ("BJ-CY-BLZ-01", "红庙社区", "community", "BJ-CY-BLZ"),
    ("BJ-CY-BLZ-02", "甜水园社区", "community", "BJ-CY-BLZ"),
    ("BJ-CY-SJ-01", "富力社区", "community", "BJ-CY-SJ"),
    ("BJ-CY-SJ-02", "垂杨柳社区", "community", "BJ-CY-SJ"),
    ("BJ-CY-DB-01", "东坝家园社区", "community", "BJ-CY-DB"),
    ("BJ-DC-JGM", "建国门街道", "street", "BJ-DC"),
    ("BJ-XC-ZLL", "展览路街道", "street", "BJ-XC"),
    ("BJ-FT-YAM", "右安门街道", "street", "BJ-FT"),
    ("BJ-FT-TPQ", "太平桥街道", "street", "BJ-FT"),
    ("BJ-FT-FTJ", "丰台街道", "street", "BJ-FT"),
    ("BJ-HD-QH", "清河街道", "street", "BJ-HD"),
    ("BJ-DC-JGM-01", "北京站东街社区", "community", "BJ-DC-JGM"),
    ("BJ-XC-ZLL-01", "北展社区", "community", "BJ-XC-ZLL"),
    ("BJ-HD-QH-01", "清河站前社区", "community", "BJ-HD-QH"),
    ("BJ-FT-FTJ-01", "丰台站东社区", "community", "BJ-FT-FTJ"),
    # Beijing's 7 key station areas, each under the street it lies in
    ("BJ-ST-BJ", "北京站地区", "station_area", "BJ-DC-JGM"),
    ("BJ-ST-BJN", "北京南站地区", "station_area", "BJ-FT-YAM"),
    ("BJ-ST-BJX", "北京西站地区", "station_area", "BJ-FT-TPQ"),
    ("BJ-ST-BJB", "北京北站地区", "station_area", "BJ-XC-ZLL"),
    ("BJ-ST-QH", "清河站地区", "station_area", "BJ-HD-QH"),
    ("BJ-ST-CY", "朝阳站地区", "station_area", "BJ-CY-DF"),
    ("BJ-ST-FT", "丰台站地区", "station_area", "BJ-FT-FTJ"),
    # Fuzhou
    ("FZ", "福州市", "city", ""),
    ("FZ-JA", "晋安区", "district", "FZ"),
    ("FZ-TJ", "台江区", "district", "FZ"),
    ("FZ-GL", "鼓楼区", "district", "FZ"),
    ("FZ-JA-CY", "茶园街道", "street", "FZ-JA"),
    ("FZ-JA-CY-01", "东浦社区", "community", "FZ-JA-CY"),
    ("FZ-JA-CY-02", "电建一公司社区", "community", "FZ-JA-CY"),
    ("FZ-JA-CY-03", "华林社区", "community", "FZ-JA-CY"),
    ("FZ-ST", "福州火车站片区", "station_area", "FZ-JA-CY"),
    # Tianjin
    ("TJ", "天津市", "city", ""),
    ("TJ-HD", "河东区", "district", "TJ"),
    ("TJ-HD-DWZ", "大王庄街道", "street", "TJ-HD"),
    ("TJ-HD-DWZ-01", "站前社区", "community", "TJ-HD-DWZ"),
    ("TJ-ST", "天津站地区", "station_area", "TJ-HD-DWZ"),
]

# Grids: a large grid per station area with its small grids (Beijing: 7 large, 54 small).
SMALL_GRIDS = {
    "BJ-ST-BJ": ["站前广场东区", "站前广场西区", "东天桥", "西天桥", "售票厅", "出租车调度站", "东侧停车场", "地铁出入口", "北京站东街"],
    "BJ-ST-BJN": ["北广场", "南广场", "东落客平台", "西落客平台", "网约车候车区", "地下换乘厅", "公交场站", "停车场", "出站通道", "周边路网"],
    "BJ-ST-BJX": ["北广场东", "北广场西", "南广场东", "南广场西", "地下换乘厅", "落客区", "出租车场", "公交枢纽", "莲花池东路", "旅客服务中心"],
    "BJ-ST-BJB": ["北广场", "南广场", "网约车接送区", "地铁换乘口", "西直门交通枢纽", "北展周边"],
    "BJ-ST-QH": ["东广场", "西广场", "公交枢纽", "出租车场", "地下停车场", "站前路"],
    "BJ-ST-CY": ["东广场", "西广场", "换乘大厅", "西侧桥下空间", "铁路沿线", "姚家园北街", "东坝南二街"],
    "BJ-ST-FT": ["东落客平台", "西落客平台", "出租车调度站", "网约车候车区", "地下换乘厅", "老丰台站遗址"],
    "FZ-ST": ["北出站口", "南出站口", "站前广场", "公交场站"],
    "TJ-ST": ["后广场负一层", "后广场负二层", "北广场下沉区", "南广场"],
}
STATION_SITE = {
    "BJ-ST-BJ": "北京站", "BJ-ST-BJN": "北京南站", "BJ-ST-BJX": "北京西站", "BJ-ST-BJB": "北京北站",
    "BJ-ST-QH": "清河站", "BJ-ST-CY": "朝阳站", "BJ-ST-FT": "丰台站", "FZ-ST": "福州火车站", "TJ-ST": "天津站",
}
for _st, _grids in SMALL_GRIDS.items():
    _site = STATION_SITE[_st]
    AREAS.append((f"{_st}-G0", f"{_site}地区大网格", "grid", _st))
    for _i, _g in enumerate(_grids, 1):
        AREAS.append((f"{_st}-G{_i:02d}", f"{_site}第{_i}小网格（{_g}）", "grid", f"{_st}-G0"))

# ---------------------------------------------------------------------------
# Units. One line each: name | type | sector | area_id | region | flags
# flags: hub (many projects), paper (deliberate paper member: nothing but a membership),
# quiet (takes part in no project: members of the committee without projects)
# ---------------------------------------------------------------------------
UNITS_TEXT = """
北京市重点站区管理委员会|government|站区管理|BJ|BJ|hub
北京站地区管理办公室|government|站区管理|BJ-ST-BJ|BJ|
北京南站地区管理办公室|government|站区管理|BJ-ST-BJN|BJ|
北京西站地区管理办公室|government|站区管理|BJ-ST-BJX|BJ|
北京北站地区管理办公室|government|站区管理|BJ-ST-BJB|BJ|
清河站地区管理办公室|government|站区管理|BJ-ST-QH|BJ|
朝阳站地区管理办公室|government|站区管理|BJ-ST-CY|BJ|hub
丰台站地区管理办公室|government|站区管理|BJ-ST-FT|BJ|
中国铁路北京局集团有限公司|railway|铁路|BJ-XC|BJ|
国铁北京站|railway|铁路|BJ-ST-BJ|BJ|
国铁北京南站|railway|铁路|BJ-ST-BJN|BJ|
国铁北京西站|railway|铁路|BJ-ST-BJX|BJ|
国铁北京北站|railway|铁路|BJ-ST-BJB|BJ|
国铁清河站|railway|铁路|BJ-ST-QH|BJ|
国铁朝阳站|railway|铁路|BJ-ST-CY|BJ|
国铁丰台站|railway|铁路|BJ-ST-FT|BJ|
北京市地铁运营有限公司|transit|轨道交通|BJ|BJ|hub
北京京港地铁有限公司|transit|轨道交通|BJ|BJ|
北京公共交通控股（集团）有限公司|transit|地面公交|BJ|BJ|hub
北京朝阳站交通枢纽运营管理有限公司|transit|枢纽运营|BJ-ST-CY|BJ|
北京西站交通枢纽管理中心|state_enterprise|枢纽运营|BJ-ST-BJX|BJ|
北京丰台站枢纽运营有限公司|state_enterprise|枢纽运营|BJ-ST-FT|BJ|
北京通达出租汽车有限公司|state_enterprise|出租汽车|BJ-CY|BJ|
北京畅行出租汽车有限公司|private_enterprise|出租汽车|BJ-FT|BJ|
北京易行网约车服务有限公司|private_enterprise|网约车|BJ-HD|BJ|
北京铁路公安处|police|铁路公安|BJ-XC|BJ|
北京市公安局公安交通管理局朝阳交通支队|police|交通管理|BJ-CY|BJ|
北京市公安局东城分局北京站地区派出所|police|公安|BJ-ST-BJ|BJ|
北京市公安局丰台分局丰台站派出所|police|公安|BJ-ST-FT|BJ|
北京市公安局公共交通安全保卫总队|police|公安|BJ|BJ|
驻北京站武警执勤中队|military|武警|BJ-ST-BJ|BJ|paper
北京市朝阳区消防救援支队|government|消防救援|BJ-CY|BJ|
北京市丰台区消防救援支队|government|消防救援|BJ-FT|BJ|
北京急救中心|hospital|医疗急救|BJ-XC|BJ|
首都医科大学附属北京朝阳医院|hospital|医疗卫生|BJ-CY|BJ|
北京丰台医院|hospital|医疗卫生|BJ-FT|BJ|
中国铁道博物馆|social_org|文博|BJ-CY|BJ|
黑龙江省人民政府驻北京办事处|government|驻京机构|BJ-DC|BJ|
吉林省人民政府驻北京办事处|government|驻京机构|BJ-DC|BJ|
辽宁省人民政府驻北京办事处|government|驻京机构|BJ-XC|BJ|
北京市交通委员会|government|交通|BJ|BJ|
北京市应急管理局|government|应急管理|BJ|BJ|
北京市通信管理局|government|通信|BJ|BJ|
中国移动通信集团北京有限公司|state_enterprise|通信|BJ|BJ|
北京图行地图科技有限公司|private_enterprise|地图导航|BJ-HD|BJ|
北京市西城区城市管理综合行政执法局|government|城管执法|BJ-XC|BJ|
北京市丰台区城市管理综合行政执法局|government|城管执法|BJ-FT|BJ|
北京市海淀区城市管理综合行政执法局|government|城管执法|BJ-HD|BJ|
北京市延庆区人民政府|government|区政府|BJ-YQ|BJ|
中共北京市西城区委组织部|government|组织|BJ-XC|BJ|
东城区建国门街道办事处|government|街道|BJ-DC-JGM|BJ|
西城区展览路街道办事处|government|街道|BJ-XC-ZLL|BJ|
丰台区右安门街道办事处|government|街道|BJ-FT-YAM|BJ|
丰台区太平桥街道办事处|government|街道|BJ-FT-TPQ|BJ|
丰台区丰台街道办事处|government|街道|BJ-FT-FTJ|BJ|
海淀区清河街道办事处|government|街道|BJ-HD-QH|BJ|
北京站东街社区居委会|community|社区|BJ-DC-JGM-01|BJ|
北展社区居委会|community|社区|BJ-XC-ZLL-01|BJ|
清河站前社区居委会|community|社区|BJ-HD-QH-01|BJ|
丰台站东社区居委会|community|社区|BJ-FT-FTJ-01|BJ|
北京站前旅业有限公司|private_enterprise|住宿餐饮|BJ-ST-BJ|BJ|paper
北京南站商业运营管理有限公司|private_enterprise|商业|BJ-ST-BJN|BJ|
北京西站便民服务连锁有限公司|private_enterprise|商业|BJ-ST-BJX|BJ|
北京北站文化传播有限公司|private_enterprise|文化传媒|BJ-ST-BJB|BJ|
清河站商业管理有限公司|private_enterprise|商业|BJ-ST-QH|BJ|
朝阳站综合商业运营有限公司|private_enterprise|商业|BJ-ST-CY|BJ|
丰台站小憩驿站服务中心|social_org|便民服务|BJ-ST-FT|BJ|
北京西站旅客服务志愿者协会|social_org|志愿服务|BJ-ST-BJX|BJ|
中共北京市朝阳区委组织部|government|组织|BJ-CY|BJ|
中共北京市朝阳区委宣传部|government|宣传|BJ-CY|BJ|
北京市朝阳区园林绿化局|government|园林绿化|BJ-CY|BJ|
北京市朝阳区文化和旅游局|government|文化旅游|BJ-CY|BJ|
北京市朝阳区城市管理委员会|government|城市管理|BJ-CY|BJ|
北京市朝阳区城市管理综合行政执法局|government|城管执法|BJ-CY|BJ|
北京市朝阳区交通委员会|government|交通|BJ-CY|BJ|
北京市朝阳区卫生健康委员会|government|卫生健康|BJ-CY|BJ|
北京市朝阳区民政局|government|民政|BJ-CY|BJ|
北京市朝阳区人力资源和社会保障局|government|人力社保|BJ-CY|BJ|
北京市朝阳区商务局|government|商务|BJ-CY|BJ|
北京市朝阳区市场监督管理局|government|市场监管|BJ-CY|BJ|
北京市朝阳区应急管理局|government|应急管理|BJ-CY|BJ|
北京市朝阳区教育委员会|government|教育|BJ-CY|BJ|
北京市朝阳区司法局|government|司法|BJ-CY|BJ|paper
北京市朝阳区科学技术和信息化局|government|科技信息|BJ-CY|BJ|
北京市朝阳区生态环境局|government|生态环境|BJ-CY|BJ|
北京市朝阳区住房和城乡建设委员会|government|住房建设|BJ-CY|BJ|
北京市朝阳区发展和改革委员会|government|发展改革|BJ-CY|BJ|
北京市朝阳区退役军人事务局|government|退役军人|BJ-CY|BJ|
北京市朝阳区残疾人联合会|government|残联|BJ-CY|BJ|
北京市朝阳区妇女联合会|government|妇联|BJ-CY|BJ|
共青团北京市朝阳区委员会|government|共青团|BJ-CY|BJ|
北京市朝阳区总工会|government|工会|BJ-CY|BJ|
北京市朝阳区水务局|government|水务|BJ-CY|BJ|paper
北京市朝阳区体育局|government|体育|BJ-CY|BJ|paper
北京市朝阳区融媒体中心|government|宣传|BJ-CY|BJ|
北京市朝阳区政务服务管理局|government|政务服务|BJ-CY|BJ|
北京市朝阳区人民政府国有资产监督管理委员会|government|国资|BJ-CY|BJ|
北京市朝阳区红十字会|social_org|红十字|BJ-CY|BJ|
北京市朝阳区财政局|government|财政|BJ-CY|BJ|
北京市朝阳区规划和自然资源综合事务中心|government|规划|BJ-CY|BJ|
北京市朝阳区东风乡人民政府|government|乡政府|BJ-CY-DF|BJ|
北京市朝阳区朝外街道办事处|government|街道|BJ-CY-CW|BJ|
北京市朝阳区安贞街道办事处|government|街道|BJ-CY-AZ|BJ|
北京市朝阳区八里庄街道办事处|government|街道|BJ-CY-BLZ|BJ|
北京市朝阳区双井街道办事处|government|街道|BJ-CY-SJ|BJ|
北京市朝阳区东坝地区办事处|government|街道|BJ-CY-DB|BJ|
将府家园社区居委会|community|社区|BJ-CY-DF-01|BJ|
驼房营社区居委会|community|社区|BJ-CY-DF-02|BJ|
吉市口社区居委会|community|社区|BJ-CY-CW-01|BJ|
安华里社区居委会|community|社区|BJ-CY-AZ-01|BJ|
安贞里社区居委会|community|社区|BJ-CY-AZ-02|BJ|
外馆斜街社区居委会|community|社区|BJ-CY-AZ-03|BJ|
红庙社区居委会|community|社区|BJ-CY-BLZ-01|BJ|
甜水园社区居委会|community|社区|BJ-CY-BLZ-02|BJ|
富力社区居委会|community|社区|BJ-CY-SJ-01|BJ|
垂杨柳社区居委会|community|社区|BJ-CY-SJ-02|BJ|
东坝家园社区居委会|community|社区|BJ-CY-DB-01|BJ|
中央美术学院|university|高等教育|BJ-CY|BJ|
中国人民大学|university|高等教育|BJ-HD|BJ|
对外经济贸易大学|university|高等教育|BJ-CY|BJ|
中国传媒大学|university|高等教育|BJ-CY|BJ|
北京工业大学|university|高等教育|BJ-CY|BJ|
北京交通大学|university|高等教育|BJ-HD|BJ|
首都经济贸易大学|university|高等教育|BJ-FT|BJ|
首都医科大学附属北京安贞医院|hospital|医疗卫生|BJ-CY-AZ|BJ|
安贞街道社区卫生服务中心|hospital|医疗卫生|BJ-CY-AZ|BJ|
北京安贞康养护理院|private_enterprise|养老|BJ-CY-AZ-02|BJ|
北京市安贞里第一小学|school|基础教育|BJ-CY-AZ-02|BJ|quiet
北京市安华中学|school|基础教育|BJ-CY-AZ-01|BJ|quiet
安贞街道文化活动中心|social_org|文化|BJ-CY-AZ|BJ|quiet
北京安贞书局有限公司|private_enterprise|文化|BJ-CY-AZ-03|BJ|quiet
北京安贞商厦有限公司|private_enterprise|商业|BJ-CY-AZ|BJ|
北京安华物业管理有限公司|private_enterprise|物业|BJ-CY-AZ-01|BJ|
安贞商务楼宇服务中心|social_org|楼宇服务|BJ-CY-AZ|BJ|
北京华贸中心物业管理有限公司|private_enterprise|物业|BJ-CY-BLZ|BJ|
北京莱锦文化创意产业园有限公司|state_enterprise|文创园区|BJ-CY-BLZ|BJ|
北京远洋商圈商户联合会|social_org|商会|BJ-CY-BLZ|BJ|
北京青年汇商业管理有限公司|private_enterprise|商业|BJ-CY-BLZ|BJ|
北京SKP商场|private_enterprise|商业|BJ-CY-BLZ|BJ|
八里庄街道企业服务办公室|government|营商服务|BJ-CY-BLZ|BJ|
北京富力广场商业管理有限公司|private_enterprise|商业|BJ-CY-SJ|BJ|
北京双井乐成中心物业管理有限公司|private_enterprise|物业|BJ-CY-SJ|BJ|
双井数字经济产业园运营有限公司|private_enterprise|数字经济|BJ-CY-SJ|BJ|
中国银行北京双井支行|state_enterprise|金融|BJ-CY-SJ|BJ|
北京双井商会|social_org|商会|BJ-CY-SJ|BJ|
北京广渠门外餐饮有限公司|private_enterprise|餐饮|BJ-CY-SJ|BJ|
北京朝阳区青年志愿者协会|social_org|志愿服务|BJ-CY|BJ|
北京东坝物流园有限公司|private_enterprise|物流|BJ-CY-DB|BJ|
朝阳区东风地区社区卫生服务中心|hospital|医疗卫生|BJ-CY-DF|BJ|
晋安区茶园街道党工委|government|街道|FZ-JA-CY|FZ|hub
中共福州市晋安区委组织部|government|组织|FZ-JA|FZ|
南昌铁路局福州车站|railway|铁路|FZ-ST|FZ|
福建省汽车运输有限公司福州站务分公司|state_enterprise|道路客运|FZ-ST|FZ|
福州火车站商贸城|private_enterprise|商业|FZ-ST|FZ|
福建孩子王儿童用品有限公司|private_enterprise|母婴零售|FZ-TJ|FZ|
福建华盾保安有限公司|private_enterprise|保安服务|FZ-GL|FZ|
福建师范大学|university|高等教育|FZ-GL|FZ|
福建省曙光救援中心|social_org|应急救援|FZ-TJ|FZ|
福州铁路公安处福州站派出所|police|铁路公安|FZ-ST|FZ|
福州市公安局晋安分局|police|公安|FZ-JA|FZ|
福州市公安局交通警察支队晋安大队|police|交通管理|FZ-JA|FZ|
福州市晋安区城市管理局|government|城市管理|FZ-JA|FZ|
福州市晋安区市场监督管理局|government|市场监管|FZ-JA|FZ|
福州市晋安区交通运输局|government|交通|FZ-JA|FZ|
福州公交集团有限公司|transit|地面公交|FZ|FZ|
福州地铁集团有限公司|transit|轨道交通|FZ|FZ|
福州市出租汽车行业协会|social_org|出租汽车|FZ|FZ|
福州市晋安区卫生健康局|government|卫生健康|FZ-JA|FZ|
福州市晋安区医院|hospital|医疗卫生|FZ-JA|FZ|
茶园街道社区卫生服务中心|hospital|医疗卫生|FZ-JA-CY|FZ|
东浦社区居委会|community|社区|FZ-JA-CY-01|FZ|
电建一公司社区居委会|community|社区|FZ-JA-CY-02|FZ|
华林社区居委会|community|社区|FZ-JA-CY-03|FZ|
福州市旅游集散中心|state_enterprise|旅游|FZ-GL|FZ|
福州市晋安区人力资源和社会保障局|government|人力社保|FZ-JA|FZ|
福州市晋安区总工会|government|工会|FZ-JA|FZ|
福州市晋安区妇女联合会|government|妇联|FZ-JA|FZ|
共青团福州市晋安区委员会|government|共青团|FZ-JA|FZ|
福州市晋安区文体和旅游局|government|文化旅游|FZ-JA|FZ|
晋安区北峰乡村振兴服务中心|government|乡村振兴|FZ-JA|FZ|
福州市环境卫生集团晋安分公司|state_enterprise|环境卫生|FZ-JA|FZ|
中国移动通信集团福建有限公司福州分公司|state_enterprise|通信|FZ|FZ|
国网福州供电公司晋安供电服务中心|state_enterprise|电力|FZ-JA|FZ|
福州站前物业管理有限公司|private_enterprise|物业|FZ-ST|FZ|
福州站前宾馆有限公司|private_enterprise|住宿餐饮|FZ-ST|FZ|paper
福州火车站邮政支局|state_enterprise|邮政|FZ-ST|FZ|
福州市城乡建总集团有限公司|state_enterprise|城市建设|FZ|FZ|
晋安区八闽第一站社会工作服务中心|social_org|社会工作|FZ-ST|FZ|hub
福州市第一医院|hospital|医疗卫生|FZ-TJ|FZ|
福州市晋安区司法局|government|司法|FZ-JA|FZ|paper
福州站片区快递外卖从业者联合会|social_org|新就业群体|FZ-ST|FZ|
福州市晋安区退役军人事务局|government|退役军人|FZ-JA|FZ|
福建江夏学院|university|高等教育|FZ|FZ|
福州市晋安区第九中学|school|基础教育|FZ-JA-CY|FZ|
福州市晋安区融媒体中心|government|宣传|FZ-JA|FZ|
天津致远轨道交通运营有限公司天津站站区管理部|transit|轨道交通|TJ-ST|TJ|hub
天津站地区管理办公室|government|站区管理|TJ-ST|TJ|
天津市公共交通集团（控股）有限公司|transit|地面公交|TJ|TJ|
天津站长途客运站|state_enterprise|道路客运|TJ-ST|TJ|
天津市公安局公共交通治安分局|police|公安|TJ|TJ|
天津市河东区卫生健康委员会|government|卫生健康|TJ-HD|TJ|
天津市梅江强制隔离戒毒所|government|司法行政|TJ|TJ|
天津交通职业学院|school|职业教育|TJ|TJ|
河东区大王庄街道站前社区居委会|community|社区|TJ-HD-DWZ-01|TJ|
天津市河东区实验小学|school|基础教育|TJ-HD|TJ|
天津市出租汽车管理服务中心|government|出租汽车|TJ|TJ|
天津站后广场商业管理有限公司|private_enterprise|商业|TJ-ST|TJ|
"""


def _units() -> list[dict]:
    rows = []
    for n, line in enumerate(l for l in UNITS_TEXT.strip().splitlines() if l.strip()):
        name, type_, sector, area, region, flags = line.split("|")
        rows.append(dict(id=f"U{n + 1:03d}", name=name, type=type_, sector=sector, area_id=area,
                         region=region, flags=set(flags.split(",")) - {""}))
    return rows


UNITS = _units()
UID = {u["name"]: u["id"] for u in UNITS}
UNIT = {u["id"]: u for u in UNITS}
AREA = {a[0]: a for a in AREAS}
BROKER = "中国铁路北京局集团有限公司"  # the only tie between the Tianjin alliance and Beijing

# ---------------------------------------------------------------------------
# Committees: id, name, level, area, parent, cadence, meetings, members [(name, role, since)]
# ---------------------------------------------------------------------------
M, V, C = "成员单位", "副主任单位", "主任单位"


def _members(lead: str, since: str, names: list[str], vice: tuple[str, ...] = ()) -> list[tuple[str, str, str]]:
    out = [(lead, C, since)]
    out += [(n, V if n in vice else M, since) for n in names]
    return out


COMMITTEES = [
    ("C01", "北京市重点站区党建工作协调委员会", "city", "BJ", "", "quarterly", 5,
     _members("北京市重点站区管理委员会", "2021-03-15", [
         "北京站地区管理办公室", "北京南站地区管理办公室", "北京西站地区管理办公室", "北京北站地区管理办公室",
         "清河站地区管理办公室", "朝阳站地区管理办公室", "丰台站地区管理办公室", BROKER,
         "北京市地铁运营有限公司", "北京京港地铁有限公司", "北京公共交通控股（集团）有限公司", "北京铁路公安处",
         "北京市交通委员会", "北京市应急管理局", "北京市通信管理局", "北京市公安局公共交通安全保卫总队",
         "中国移动通信集团北京有限公司", "北京市西城区城市管理综合行政执法局", "北京市丰台区城市管理综合行政执法局",
         "北京市朝阳区城市管理综合行政执法局", "北京市海淀区城市管理综合行政执法局", "北京市延庆区人民政府",
     ], vice=(BROKER, "北京市交通委员会"))),
    ("C02", "北京站地区党建工作协调委员会", "station_area", "BJ-ST-BJ", "C01", "monthly", 12,
     _members("北京站地区管理办公室", "2021-06-01", [
         "国铁北京站", "北京市地铁运营有限公司", "北京公共交通控股（集团）有限公司", "东城区建国门街道办事处",
         "北京市公安局东城分局北京站地区派出所", "驻北京站武警执勤中队", "北京站东街社区居委会", "北京站前旅业有限公司",
         "北京通达出租汽车有限公司", "北京急救中心",
     ], vice=("国铁北京站",))),
    ("C03", "北京南站地区党建工作协调委员会", "station_area", "BJ-ST-BJN", "C01", "monthly", 12,
     _members("北京南站地区管理办公室", "2021-06-01", [
         "国铁北京南站", "北京京港地铁有限公司", "北京市地铁运营有限公司", "北京公共交通控股（集团）有限公司",
         "丰台区右安门街道办事处", "北京丰台医院", "北京易行网约车服务有限公司", "北京南站商业运营管理有限公司",
         "北京市丰台区城市管理综合行政执法局", "北京畅行出租汽车有限公司",
     ], vice=("国铁北京南站",))),
    ("C04", "北京西站地区党建工作协调委员会", "station_area", "BJ-ST-BJX", "C01", "monthly", 13,
     _members("北京西站地区管理办公室", "2021-06-01", [
         "国铁北京西站", "北京市地铁运营有限公司", "北京公共交通控股（集团）有限公司", "丰台区太平桥街道办事处",
         "北京西站交通枢纽管理中心", "北京急救中心", "北京西站便民服务连锁有限公司", "北京西站旅客服务志愿者协会",
         "北京铁路公安处",
     ], vice=("国铁北京西站",))),
    ("C05", "北京北站地区党建工作协调委员会", "station_area", "BJ-ST-BJB", "C01", "monthly", 12,
     _members("北京北站地区管理办公室", "2021-06-01", [
         "国铁北京北站", "北京市地铁运营有限公司", "西城区展览路街道办事处", "中共北京市西城区委组织部",
         "北京市西城区城市管理综合行政执法局", "北展社区居委会", "北京北站文化传播有限公司", "北京易行网约车服务有限公司",
     ], vice=("国铁北京北站",))),
    # deliberately below its cadence: monthly, but only 3 meetings in the year
    ("C06", "清河站地区党建工作协调委员会", "station_area", "BJ-ST-QH", "C01", "monthly", 3,
     _members("清河站地区管理办公室", "2021-06-01", [
         "国铁清河站", "北京市地铁运营有限公司", "北京公共交通控股（集团）有限公司", "海淀区清河街道办事处",
         "北京市海淀区城市管理综合行政执法局", "清河站前社区居委会", "清河站商业管理有限公司",
     ], vice=("国铁清河站",))),
    # the Chaoyang station-area committee of 2022: 16 member units
    ("C07", "朝阳站地区党建工作协调委员会", "station_area", "BJ-ST-CY", "C01", "monthly", 12,
     _members("朝阳站地区管理办公室", "2022-04-20", [
         "国铁朝阳站", "北京市地铁运营有限公司", "北京朝阳站交通枢纽运营管理有限公司", "北京市朝阳区东风乡人民政府",
         "北京公共交通控股（集团）有限公司", "北京铁路公安处", "北京市公安局公安交通管理局朝阳交通支队",
         "北京市朝阳区消防救援支队", "首都医科大学附属北京朝阳医院", "北京通达出租汽车有限公司",
         "北京市朝阳区朝外街道办事处", "北京市朝阳区东坝地区办事处", "朝阳站综合商业运营有限公司",
         "将府家园社区居委会", "北京市朝阳区城市管理综合行政执法局",
     ], vice=("国铁朝阳站", "北京市朝阳区东风乡人民政府"))),
    ("C08", "丰台站地区党建工作协调委员会", "station_area", "BJ-ST-FT", "C01", "monthly", 12,
     _members("丰台站地区管理办公室", "2022-01-10", [
         "国铁丰台站", "北京市地铁运营有限公司", "北京公共交通控股（集团）有限公司", "丰台区丰台街道办事处",
         "北京丰台站枢纽运营有限公司", "北京市丰台区消防救援支队", "北京市公安局丰台分局丰台站派出所",
         "丰台站小憩驿站服务中心", "丰台站东社区居委会", "北京畅行出租汽车有限公司",
     ], vice=("国铁丰台站",))),
    ("C10", "朝阳区党建工作协调委员会", "district", "BJ-CY", "", "quarterly", 4,
     _members("中共北京市朝阳区委组织部", "2018-09-01", [
         "中共北京市朝阳区委宣传部", "北京市朝阳区园林绿化局", "北京市朝阳区文化和旅游局", "北京市朝阳区城市管理委员会",
         "北京市朝阳区城市管理综合行政执法局", "北京市朝阳区交通委员会", "北京市朝阳区卫生健康委员会", "北京市朝阳区民政局",
         "北京市朝阳区人力资源和社会保障局", "北京市朝阳区商务局", "北京市朝阳区市场监督管理局", "北京市朝阳区应急管理局",
         "北京市朝阳区教育委员会", "北京市朝阳区司法局", "北京市朝阳区科学技术和信息化局", "北京市朝阳区生态环境局",
         "北京市朝阳区住房和城乡建设委员会", "北京市朝阳区发展和改革委员会", "北京市朝阳区退役军人事务局",
         "北京市朝阳区残疾人联合会", "北京市朝阳区妇女联合会", "共青团北京市朝阳区委员会", "北京市朝阳区总工会",
         "北京市朝阳区水务局", "北京市朝阳区体育局", "北京市朝阳区融媒体中心", "北京市朝阳区政务服务管理局",
         "北京市朝阳区人民政府国有资产监督管理委员会", "北京市朝阳区红十字会", "北京市朝阳区财政局",
         "北京市朝阳区规划和自然资源综合事务中心", "北京市朝阳区东风乡人民政府", "北京市朝阳区朝外街道办事处",
         "北京市朝阳区安贞街道办事处", "北京市朝阳区八里庄街道办事处", "北京市朝阳区双井街道办事处",
         "北京市朝阳区东坝地区办事处", "朝阳站地区管理办公室", "国铁朝阳站", "中央美术学院", "对外经济贸易大学", "北京朝阳区青年志愿者协会",
         "中国传媒大学", "北京工业大学", "首都医科大学附属北京朝阳医院",
     ], vice=("中共北京市朝阳区委宣传部",))),
    ("C11", "安贞街道党建工作协调委员会", "street", "BJ-CY-AZ", "C10", "monthly", 12,
     _members("北京市朝阳区安贞街道办事处", "2019-03-01", [
         "首都医科大学附属北京安贞医院", "安贞街道社区卫生服务中心", "北京安贞康养护理院", "北京安贞商厦有限公司",
         "北京安华物业管理有限公司", "安贞商务楼宇服务中心", "安华里社区居委会", "安贞里社区居委会",
         "外馆斜街社区居委会", "北京市朝阳区卫生健康委员会",
     ], vice=("首都医科大学附属北京安贞医院",))),
    ("C12", "安贞医疗健康联盟", "alliance", "BJ-CY-AZ", "C11", "quarterly", 4,
     _members("首都医科大学附属北京安贞医院", "2020-05-12", [
         "安贞街道社区卫生服务中心", "北京安贞康养护理院", "安华里社区居委会", "安贞里社区居委会",
     ])),
    # deliberately without any project: none of its members takes part in one
    ("C13", "安贞教育文化联盟", "alliance", "BJ-CY-AZ", "C11", "quarterly", 4,
     _members("安贞街道文化活动中心", "2020-05-12", [
         "北京市安贞里第一小学", "北京市安华中学", "北京安贞书局有限公司",
     ])),
    ("C14", "安贞商务楼宇联盟", "alliance", "BJ-CY-AZ", "C11", "quarterly", 4,
     _members("安贞商务楼宇服务中心", "2020-05-12", [
         "北京安贞商厦有限公司", "北京安华物业管理有限公司", "外馆斜街社区居委会",
     ])),
    ("C15", "八里庄街道党建工作协调委员会", "street", "BJ-CY-BLZ", "C10", "monthly", 12,
     _members("北京市朝阳区八里庄街道办事处", "2019-04-01", [
         "八里庄街道企业服务办公室", "北京华贸中心物业管理有限公司", "北京莱锦文化创意产业园有限公司",
         "北京远洋商圈商户联合会", "北京青年汇商业管理有限公司", "北京SKP商场", "红庙社区居委会", "甜水园社区居委会",
         "中国传媒大学",
     ], vice=("北京莱锦文化创意产业园有限公司",))),
    ("C16", "双井街道党建工作协调委员会经济发展专业委员会", "street", "BJ-CY-SJ", "C10", "quarterly", 4,
     _members("北京市朝阳区双井街道办事处", "2021-07-01", [
         "北京富力广场商业管理有限公司", "北京双井乐成中心物业管理有限公司", "双井数字经济产业园运营有限公司",
         "中国银行北京双井支行", "北京双井商会", "北京广渠门外餐饮有限公司", "富力社区居委会", "垂杨柳社区居委会",
     ])),
    ("C20", "晋安区党建工作协调委员会", "district", "FZ-JA", "", "quarterly", 4,
     _members("中共福州市晋安区委组织部", "2018-05-01", [
         "晋安区茶园街道党工委", "福州市晋安区城市管理局", "福州市晋安区市场监督管理局", "福州市晋安区交通运输局",
         "福州市晋安区卫生健康局", "福州市晋安区人力资源和社会保障局", "福州市晋安区文体和旅游局",
         "福州市晋安区司法局", "福州市晋安区融媒体中心",
     ])),
    ("C21", "火车站片区薪火党建联盟（八闽第一站）", "alliance", "FZ-ST", "C20", "monthly", 12,
     _members("晋安区茶园街道党工委", "2018-10-16", [
         "南昌铁路局福州车站", "福建省汽车运输有限公司福州站务分公司", "福州火车站商贸城", "福建孩子王儿童用品有限公司",
         "福建华盾保安有限公司", "福建师范大学", "福建省曙光救援中心", "福州铁路公安处福州站派出所",
         "福州市公安局晋安分局", "福州市公安局交通警察支队晋安大队", "福州市晋安区城市管理局",
         "福州市晋安区市场监督管理局", "福州市晋安区交通运输局", "福州公交集团有限公司", "福州地铁集团有限公司",
         "福州市出租汽车行业协会", "福州市晋安区卫生健康局", "福州市晋安区医院", "茶园街道社区卫生服务中心",
         "东浦社区居委会", "电建一公司社区居委会", "华林社区居委会", "福州市旅游集散中心",
         "福州市晋安区人力资源和社会保障局", "福州市晋安区总工会", "福州市晋安区妇女联合会", "共青团福州市晋安区委员会",
         "福州市晋安区文体和旅游局", "晋安区北峰乡村振兴服务中心", "福州市环境卫生集团晋安分公司",
         "中国移动通信集团福建有限公司福州分公司", "国网福州供电公司晋安供电服务中心", "福州站前物业管理有限公司",
         "福州站前宾馆有限公司", "福州火车站邮政支局", "福州市城乡建总集团有限公司", "晋安区八闽第一站社会工作服务中心",
         "福州市第一医院", "福州站片区快递外卖从业者联合会", "福州市晋安区退役军人事务局", "福建江夏学院",
         "福州市晋安区第九中学", "福州市晋安区融媒体中心",
     ], vice=("南昌铁路局福州车站", "晋安区八闽第一站社会工作服务中心"))),
    ("C30", "天津站公共交通服务联盟", "alliance", "TJ-ST", "", "monthly", 12,
     _members("天津站地区管理办公室", "2023-03-01", [
         "天津致远轨道交通运营有限公司天津站站区管理部", BROKER, "天津市公共交通集团（控股）有限公司",
         "天津站长途客运站", "天津市出租汽车管理服务中心", "天津站后广场商业管理有限公司",
     ], vice=("天津致远轨道交通运营有限公司天津站站区管理部",))),
]
NO_PROJECT_COMMITTEE = "C13"
LOW_MEETINGS_COMMITTEE = "C06"

# ---------------------------------------------------------------------------
# Text: need and resource templates per category. {site} is a place, {org} a unit.
# ---------------------------------------------------------------------------
NEED_TEXT: dict[str, list[tuple[str, str, tuple[int, int]]]] = {
    "transport": [
        ("{site}夜间到达旅客接驳运力不足", "末班车过后仍有列车集中到达，出站旅客等不到公交和地铁，需协调延时运营或加开摆渡车兜底。", (2, 6)),
        ("{site}换乘通道导向标识不清", "旅客在出站口与地铁换乘口之间反复问路，希望增设地贴、柱贴和悬挂式导向牌。", (20, 80)),
        ("{site}高峰时段公交候车时间过长", "早晚高峰候车队伍排到站台外，希望相关线路加密班次、缩短发车间隔。", (1, 3)),
        ("{site}网约车临时停靠秩序混乱", "网约车在行车道随意停靠上客，造成拥堵，需要划定固定上客区并安排引导人员。", (1, 2)),
        ("{site}出租车排队等候时间长", "节假日出站旅客打车排队较久，需要增派调度人员并共享到站客流信息。", (2, 6)),
    ],
    "parking": [
        ("{site}接送站私家车停车难", "接站车辆缺少临时停放位置，常在路边违停被处罚，希望协调共享车位或错时停车。", (30, 120)),
        ("{site}夜班职工通勤车辆无处停放", "夜班交接时段职工私家车找不到停车位，影响按时到岗。", (15, 60)),
        ("{site}共享单车堆积占道", "出站口周边共享单车大量堆积，挤占通行空间，需要划定停放区并定时清运。", (1, 4)),
    ],
    "safety": [
        ("{site}节假日巡逻力量不足", "客流高峰期间广场和通道人员密集，需要增加党员巡逻岗和安保人员。", (4, 12)),
        ("{site}商户库房消防隐患排查", "周边商户和库房较多、电动自行车充电混乱，需要专业力量开展隐患排查和整改指导。", (10, 40)),
        ("{site}老旧楼院监控和照明缺失", "部分楼院夜间照明不足、监控存在盲区，居民反映出行不安全。", (5, 20)),
        ("{site}施工围挡周边行人通行安全", "周边道路施工围挡压缩人行道，需要设置临时通道和警示标志。", (1, 3)),
    ],
    "emergency": [
        ("{site}突发大客流联合演练", "需要联合铁路、地铁、公安和医疗单位开展一次大客流疏导实战演练。", (1, 2)),
        ("{site}极端天气滞留旅客保障物资", "暴雨和强降雪天气列车晚点时，滞留旅客缺少毛毯、热饮和充电设备。", (100, 500)),
        ("{site}一线人员应急救护培训", "服务岗人员缺少心肺复苏和AED使用技能，希望开展系统培训并取得证书。", (20, 60)),
    ],
    "volunteering": [
        ("{site}春运志愿者补充招募", "春运期间引导、问询、爱心帮扶岗位人手不足，需要补充志愿者。", (20, 80)),
        ("{site}重点旅客陪同帮扶", "老弱病残孕旅客进出站需要专人陪同，现有服务岗难以覆盖。", (6, 20)),
        ("{site}清洁站区志愿活动组织", "希望每月组织一次清洁站区活动，需要稳定的志愿队伍和保洁工具。", (15, 40)),
    ],
    "employment": [
        ("{site}一线服务岗位招工难", "安检、保洁、客服等岗位人员流动大，希望对接就业渠道开展专场招聘。", (10, 40)),
        ("{site}外来务工人员技能培训", "进城务工人员希望获得电工、家政、餐饮等实用技能培训。", (30, 100)),
        ("{org}学生实习岗位对接", "学生需要交通、文旅和公共服务方向的实习岗位，希望成员单位提供。", (10, 30)),
    ],
    "elderly_care": [
        ("{site}独居老人定期探访", "社区独居和高龄老人较多，需要志愿力量每周上门探访、代办小事。", (20, 60)),
        ("{site}老年助餐点运营支持", "社区助餐点就餐人数增加，厨房设备和配送人手不足。", (1, 3)),
        ("{site}老年旅客叫车帮扶", "不会使用手机叫车的老年旅客出站后打车困难，希望设置人工叫车点。", (1, 2)),
    ],
    "health": [
        ("{site}旅客突发疾病急救衔接", "站内旅客突发疾病时，急救车辆进出和交接流程不顺，需要建立绿色通道。", (1, 2)),
        ("{site}职工健康体检和义诊", "一线职工长期倒班，希望医疗单位上门开展体检和健康讲座。", (50, 200)),
        ("{site}家庭医生签约入户", "社区慢病老人较多，希望家庭医生团队定期入户随访。", (30, 100)),
    ],
    "maternal_child": [
        ("{site}母婴室设施简陋", "现有母婴室面积小，缺少护理台、温奶器和隔帘，哺乳期旅客反映不便。", (1, 2)),
        ("{site}儿童旅客临时看护点", "携带幼儿的旅客办理业务时无人照看孩子，希望设置临时看护点。", (1, 2)),
        ("{site}双职工家庭儿童课后托管", "社区双职工家庭较多，放学后孩子无人看管，需要托管场地和志愿者。", (20, 50)),
    ],
    "education": [
        ("{site}窗口人员服务礼仪培训", "一线窗口人员服务用语和礼仪不够规范，希望开展系统培训。", (30, 80)),
        ("{site}青少年安全出行课堂", "希望为周边中小学生开设乘车安全和文明出行课程。", (2, 6)),
        ("{org}学生社会实践基地", "学校需要稳定的社会实践基地，让学生参与站区服务和社区治理。", (1, 2)),
    ],
    "think_tank": [
        ("{site}站城融合规划咨询", "希望邀请高校专家对站区功能布局和周边开发提出咨询意见。", (1, 2)),
        ("{site}客流规律分析研究", "需要研究团队分析节假日客流数据，为运力调度提供依据。", (1, 1)),
        ("{site}公共空间设计提升方案", "桥下空间和广场角落利用率低，需要设计团队提出改造方案。", (1, 3)),
    ],
    "venue": [
        ("{site}党员活动场地短缺", "单位办公用房紧张，开展主题党日和集中学习缺少场地。", (1, 2)),
        ("{site}志愿者休息点位", "志愿者在岗时间长，需要就近的休息、饮水和物资存放点。", (1, 2)),
        ("{site}大型活动临时场地", "举办展演和宣传活动需要临时借用广场或室内场地。", (1, 1)),
    ],
    "environment": [
        ("{site}站前广场绿化提升", "广场绿地裸露、花坛缺株，希望实施补植和景观提升。", (1, 4)),
        ("{site}垃圾分类桶站设置", "周边缺少规范的垃圾分类桶站，混投现象突出。", (4, 12)),
        ("{site}背街小巷环境整治", "背街小巷存在乱堆物料、小广告等问题，需要集中整治。", (1, 3)),
    ],
    "culture": [
        ("{site}节日文化展演活动", "春节、国庆期间希望为旅客和居民组织文化展演，营造节日氛围。", (1, 3)),
        ("{site}铁路历史文化展示", "希望在站区设置铁路发展历史的小型展陈，讲好车站故事。", (1, 2)),
        ("{site}文体队伍活动器材", "居民文体队伍缺少音响、服装和道具，排练和演出受限。", (5, 20)),
    ],
    "commerce": [
        ("{site}商圈客流引导合作", "商户希望在换乘通道设置商业指引，把旅客引入周边商圈。", (1, 3)),
        ("{site}特色产品展销摊位", "外地特色产品希望在站区设置展销点，需要场地和审批协助。", (2, 8)),
        ("{site}商户经营困难反映", "部分商户反映租金和客流压力大，希望搭建对接平台和优惠政策。", (5, 20)),
    ],
    "legal": [
        ("{site}务工人员劳动维权咨询", "进城务工人员遇到欠薪和合同纠纷时不知向谁求助，需要法律咨询服务。", (20, 60)),
        ("{site}商户租赁合同纠纷调解", "商户与业主之间租赁合同纠纷增多，需要专业调解和法律意见。", (3, 10)),
        ("{site}居民普法讲座", "居民希望了解继承、物业、消费维权等方面的法律知识。", (2, 6)),
        ("{site}旅客投诉纠纷法律指引", "旅客退票、行李损坏等纠纷缺少法律指引，窗口人员难以解答。", (1, 3)),
    ],
    "digital": [
        ("{site}客流数据共享接口", "各方客流数据分散，需要建立共享接口，实现到站客流的小时级推送。", (1, 1)),
        ("{site}地下空间手机信号弱", "地下换乘层信号差、定位不准，旅客导航和移动支付受影响。", (2, 6)),
        ("{site}智慧安防管理平台", "希望引入智能门禁和人房车信息关联系统，提高管理效率。", (1, 1)),
    ],
    "party_education": [
        ("{site}联合主题党日活动", "希望与共建单位联合开展主题党日，交流基层党建经验。", (1, 4)),
        ("{site}党课师资需求", "基层党支部缺少高水平党课讲师，希望共建单位推荐。", (2, 6)),
        ("{site}党员教育现场教学点", "需要有代表性的现场教学点，组织党员实地学习。", (1, 2)),
    ],
    "publicity": [
        ("{site}服务品牌宣传推广", "站区党建服务品牌知名度不高，需要媒体和新媒体平台推广。", (1, 3)),
        ("{site}重点时期出行信息发布", "节假日前需要多渠道发布出行提示和流线调整信息。", (2, 5)),
        ("{site}好人好事宣传报道", "一线涌现的好人好事缺少宣传渠道，希望融媒体协助报道。", (2, 8)),
    ],
    "funding": [
        ("{site}志愿服务经费支持", "志愿服务的服装、餐补和保险经费不足，希望获得支持。", (1, 1)),
        ("{site}便民设施改造资金", "饮水机、充电桩、爱心座椅等便民设施改造缺少资金。", (1, 1)),
    ],
    "community_service": [
        ("{site}便民服务点设置", "旅客和居民需要饮水、充电、寄存和问询等便民服务点。", (1, 3)),
        ("{site}新就业群体歇脚驿站", "快递员、外卖骑手和出租车司机缺少歇脚、饮水、充电的地方。", (1, 2)),
        ("{site}失物招领信息共享", "旅客遗失物品分散在不同单位，查找困难，希望建立共享机制。", (1, 1)),
    ],
    "urban_governance": [
        ("{site}12345高频诉求协同处置", "导向标识、出租车调度、无障碍设施等诉求反复出现，需要多方会商解决。", (3, 12)),
        ("{site}交界区域联合执法", "站区与周边街道交界处非法营运和占道经营反复，需要联合执法。", (1, 3)),
        ("{site}违建和广告围挡清理", "站区周边存在违建、封闭式广告围挡，影响通行和观感。", (2, 8)),
        ("{site}城市家具和护栏规范", "护栏、座椅、指示牌样式杂乱、部分破损，需要统一规范。", (10, 40)),
    ],
}

RESOURCE_TEXT: dict[str, list[tuple[str, str, tuple[int, int]]]] = {
    "transport": [
        ("{org}高峰加密班次", "可在早晚高峰和节假日为{site}方向线路加密发车。容量为可加开的班次数。", (4, 20)),
        ("{org}夜间应急摆渡车辆", "可调派摆渡车辆用于夜间到达客流兜底接驳。容量为车辆数。", (2, 8)),
        ("{org}出租车党员调度岗", "安排党员调度员根据实时客流调度车辆。容量为每日可派调度员人次。", (2, 6)),
    ],
    "parking": [],  # parking resources are listed one by one below (the Chaoyang shortage is deliberate)
    "safety": [
        ("{org}党员巡逻队", "可在重点时期组织党员参加站区和社区的巡逻值守。容量为每次可派人数。", (6, 20)),
        ("{org}消防安全培训师资", "可派教员开展消防知识讲解、灭火器使用和疏散演练。容量为每年场次。", (4, 12)),
        ("{org}治安防范宣传", "可进站区、进社区开展防诈骗、防盗窃宣传。容量为每年场次。", (6, 24)),
    ],
    "emergency": [
        ("{org}党员应急先锋队", "可在大客流和极端天气时第一时间到位协助处置。容量为队员人数。", (10, 40)),
        ("{org}应急物资储备", "储备毛毯、雨衣、饮用水和应急照明，可临时调拨。容量为可调拨件数。", (200, 800)),
        ("{org}应急救护培训", "可开展心肺复苏和AED使用培训并组织考核。容量为每年培训人数。", (40, 150)),
    ],
    "volunteering": [
        ("{org}志愿服务队", "可在节假日和重点时期提供引导、问询和帮扶服务。容量为每次可派人数。", (10, 50)),
        ("{org}青年志愿者", "可组织青年志愿者参加站区和社区服务。容量为每年人次。", (100, 600)),
        ("{org}党员志愿服务岗", "党员认领服务岗，每周固定时段上岗。容量为岗位数。", (3, 12)),
    ],
    "employment": [
        ("{org}专场招聘会", "可组织专场招聘，对接一线服务和技术岗位。容量为每年场次。", (2, 6)),
        ("{org}职业技能培训", "提供电工、家政、餐饮、客服等技能培训课程。容量为每年名额。", (50, 200)),
        ("{org}实习和见习岗位", "可提供交通运营、商业服务等方向的实习岗位。容量为岗位数。", (5, 30)),
    ],
    "elderly_care": [
        ("{org}助老服务队", "可定期上门探访独居老人，代购代办、陪同就医。容量为可服务老人数。", (20, 80)),
        ("{org}老年餐桌配送", "可为社区老人提供午餐配送。容量为每日份数。", (30, 120)),
    ],
    "health": [
        ("{org}义诊和健康讲座", "可派医生到站区和社区开展义诊、健康讲座。容量为每年场次。", (4, 12)),
        ("{org}家庭医生团队", "家庭医生团队可签约入户随访慢病人群。容量为可签约人数。", (100, 400)),
        ("{org}急救绿色通道", "与站区建立急救衔接流程，派驻急救力量。容量为驻点人数。", (2, 6)),
    ],
    "maternal_child": [],  # only the children's goods firm in Fuzhou (listed below)
    "education": [
        ("{org}培训课程", "可开设服务礼仪、沟通技巧、安全知识等培训课程。容量为每年场次。", (4, 12)),
        ("{org}安全出行课堂", "可进校园开展乘车安全和文明出行课程。容量为每年场次。", (4, 10)),
        ("{org}实践教学基地", "可接收学生开展社会实践和志愿服务。容量为每年人次。", (50, 200)),
    ],
    "think_tank": [
        ("{org}党建+智库专家团队", "可组织专家就站城融合、城市更新和基层治理提供咨询。容量为每年课题数。", (1, 4)),
        ("{org}规划设计工作坊", "师生团队可为公共空间改造提供设计方案。容量为每年方案数。", (1, 3)),
        ("{org}数据分析研究支持", "研究团队可承担客流、诉求数据分析。容量为每年报告数。", (1, 3)),
    ],
    "venue": [
        ("{org}会议室共享", "会议室可在工作日晚间和周末向共建单位开放。容量为座位数。", (20, 80)),
        ("{org}党群活动阵地", "活动阵地可承接主题党日、培训和展示活动。容量为每月可预约场次。", (4, 12)),
        ("{org}室外活动场地", "广场和空地可临时借用举办宣传展演。容量为每年可借用次数。", (4, 12)),
    ],
    "environment": [
        ("{org}绿化养护力量", "可认领绿化责任区，承担补植、修剪和日常养护。容量为可认领的片区数。", (2, 8)),
        ("{org}垃圾分类指导员", "可派指导员到桶站值守和宣传。容量为指导员人数。", (4, 12)),
        ("{org}环境整治作业队", "可承担背街小巷清理和小广告清除。容量为每月作业次数。", (4, 10)),
    ],
    "culture": [
        ("{org}文艺演出团队", "可在节日组织文艺演出和快闪活动。容量为每年场次。", (2, 8)),
        ("{org}展览和展陈资源", "可提供图片、实物等展览资源，支持小型展陈。容量为每年展览数。", (1, 4)),
        ("{org}非遗和地方文化展示", "可组织非遗项目和地方文化展示。容量为每年场次。", (2, 6)),
    ],
    "commerce": [
        ("{org}商业展位", "可提供临时展位用于特色产品展销。容量为展位数。", (4, 20)),
        ("{org}消费优惠活动", "可面向旅客和居民发放消费优惠。容量为每年活动次数。", (2, 8)),
        ("{org}商户联络平台", "可联络商户参加共建活动，收集经营诉求。容量为联络商户数。", (20, 100)),
    ],
    "legal": [],  # deliberately nobody offers legal services
    "digital": [
        ("{org}客流数据监测岗", "可整合客流数据，提前预判高峰并推送给各方。容量为每日推送次数。", (4, 24)),
        ("{org}网络信号优化", "可对站区和地下空间移动网络进行优化补点。容量为可优化点位数。", (5, 20)),
        ("{org}小程序和信息化支持", "可协助开发服务小程序、上线信息系统。容量为每年项目数。", (1, 3)),
    ],
    "party_education": [
        ("{org}党课讲师团", "可派讲师为共建单位讲授专题党课。容量为每年场次。", (4, 12)),
        ("{org}现场教学点", "可接待共建单位党员开展现场教学。容量为每年批次。", (6, 20)),
    ],
    "publicity": [
        ("{org}新媒体发布渠道", "可通过公众号、视频号等平台发布站区服务信息。容量为每月条数。", (8, 30)),
        ("{org}宣传屏和宣传栏", "可提供电子屏和宣传栏位用于公益宣传。容量为屏位数。", (2, 10)),
    ],
    "funding": [
        ("{org}公益服务资金", "可为志愿服务和便民设施提供资金支持。容量单位为千元。", (20, 200)),
        ("{org}共建项目配套经费", "可为共建项目提供配套经费。容量单位为千元。", (50, 300)),
    ],
    "community_service": [
        ("{org}便民服务点", "提供饮水、充电、寄存、问询等便民服务。容量为服务点数。", (1, 4)),
        ("{org}爱心驿站", "为新就业群体和户外劳动者提供歇脚、饮水和热饭服务。容量为驿站数。", (1, 3)),
        ("{org}失物招领协作", "可共享遗失物信息并协助转交。容量为每月可处理件数。", (20, 100)),
    ],
    "urban_governance": [
        ("{org}联合执法力量", "可在交界区域参与联合执法，整治非法营运和占道经营。容量为每月行动次数。", (2, 8)),
        ("{org}街巷长和小巷管家", "街巷长和小巷管家可认领街巷，发现并协调解决问题。容量为人数。", (5, 20)),
        ("{org}接诉即办协同机制", "可参与诉求会商，承接派单并限时反馈。容量为每月可承接件数。", (10, 60)),
    ],
}

PROJECT_TEXT: dict[str, list[str]] = {
    "transport": ["接驳运力提升项目", "换乘流线优化工程", "夜间到达兜底保障行动", "出行引导标识更新"],
    "parking": ["停车资源挖潜项目", "错时共享停车行动", "非机动车停放治理"],
    "safety": ["平安站区巡防行动", "消防隐患共查共治", "安全守护党员先锋行动"],
    "emergency": ["大客流应急联动演练", "极端天气旅客保障行动", "应急救护能力提升计划"],
    "volunteering": ["春运志愿服务行动", "重点旅客爱心帮扶", "清洁站区志愿行动"],
    "employment": ["就业服务专场对接", "务工人员技能提升计划", "青年见习岗位计划"],
    "elderly_care": ["助老暖心行动", "老年旅客出行帮扶", "社区助餐提升项目"],
    "health": ["健康守护行动", "急救衔接绿色通道建设", "家庭医生进社区"],
    "maternal_child": ["母婴服务提升项目", "儿童托管服务试点"],
    "education": ["服务能力培训计划", "安全出行进校园", "社会实践基地共建"],
    "think_tank": ["党建+智库课题", "站城融合规划研究", "公共空间设计提升"],
    "venue": ["党群阵地共享计划", "志愿者驿站建设", "活动场地共享"],
    "environment": ["花园站区绿化攻坚", "垃圾分类示范创建", "背街小巷环境提升"],
    "culture": ["节日文化惠民活动", "铁路文化展陈", "社区文体活力计划"],
    "commerce": ["站城商圈联动计划", "特色产品展销活动", "商户服务直通车"],
    "digital": ["客流数据共享平台", "信号优化补点工程", "智慧管理系统建设"],
    "party_education": ["联合主题党日", "党课共享计划", "党员教育现场教学"],
    "publicity": ["服务品牌宣传推广", "出行信息联合发布", "身边好人宣传"],
    "funding": ["便民设施改造资助", "志愿服务经费保障"],
    "community_service": ["便民服务点建设", "新就业群体驿站建设", "失物招领信息共享"],
    "urban_governance": ["接诉即办协同治理", "交界区域联合执法", "站区环境秩序整治", "城市家具规范提升"],
}

# Categories a unit of each type raises needs in / offers resources in (random draws).
TYPE_NEEDS = {
    "government": ["urban_governance", "environment", "volunteering", "digital", "publicity", "think_tank", "party_education"],
    "railway": ["transport", "safety", "emergency", "volunteering", "health", "digital", "urban_governance", "employment"],
    "transit": ["transport", "safety", "volunteering", "emergency", "employment", "digital", "publicity"],
    "state_enterprise": ["transport", "employment", "venue", "publicity", "safety", "party_education"],
    "private_enterprise": ["employment", "commerce", "safety", "publicity", "parking", "community_service"],
    "social_org": ["venue", "funding", "volunteering", "publicity", "commerce"],
    "university": ["education", "employment", "party_education", "venue"],
    "research_institute": ["venue", "publicity"],
    "hospital": ["parking", "volunteering", "safety", "emergency", "publicity"],
    "school": ["safety", "education", "culture", "venue"],
    "police": ["safety", "emergency", "volunteering", "digital"],
    "military": ["party_education", "culture"],
    "community": ["elderly_care", "community_service", "environment", "health", "culture", "safety", "funding"],
}
TYPE_RESOURCES = {
    "government": ["urban_governance", "funding", "venue", "publicity", "party_education", "employment"],
    "railway": ["venue", "publicity", "emergency", "volunteering", "culture"],
    "transit": ["transport", "volunteering", "publicity", "digital"],
    "state_enterprise": ["digital", "venue", "funding", "employment", "volunteering"],
    "private_enterprise": ["commerce", "employment", "venue", "funding", "volunteering"],
    "social_org": ["volunteering", "culture", "community_service", "emergency"],
    "university": ["think_tank", "education", "culture", "volunteering"],
    "research_institute": ["think_tank"],
    "hospital": ["health", "emergency", "volunteering"],
    "school": ["education", "venue", "culture"],
    "police": ["safety", "emergency", "publicity"],
    "military": ["safety", "emergency"],
    "community": ["volunteering", "venue", "community_service", "elderly_care"],
}
# Units whose resources follow their line of work rather than their type.
SECTOR_RESOURCES = {
    "园林绿化": ["environment"], "文化旅游": ["culture", "publicity"], "城市管理": ["urban_governance", "environment"],
    "城管执法": ["urban_governance"], "交通": ["transport", "urban_governance"], "卫生健康": ["health"],
    "民政": ["elderly_care", "community_service"], "人力社保": ["employment"], "商务": ["commerce"],
    "市场监管": ["urban_governance", "commerce"], "应急管理": ["emergency", "safety"], "教育": ["education"],
    "科技信息": ["digital"], "生态环境": ["environment"], "住房建设": ["urban_governance"], "发展改革": ["funding"],
    "退役军人": ["volunteering", "safety"], "残联": ["community_service"], "妇联": ["community_service", "volunteering"],
    "共青团": ["volunteering"], "工会": ["community_service", "funding"], "宣传": ["publicity"],
    "政务服务": ["community_service"], "国资": ["funding"], "红十字": ["emergency", "health"], "财政": ["funding"],
    "规划": ["think_tank"], "消防救援": ["safety", "emergency"], "通信": ["digital"], "地图导航": ["digital"],
    "组织": ["party_education", "funding"], "文博": ["culture", "party_education"], "驻京机构": ["commerce", "culture"],
    "志愿服务": ["volunteering"], "医疗急救": ["health", "emergency"], "环境卫生": ["environment"],
    "旅游": ["commerce", "publicity"], "出租汽车": ["transport"], "地面公交": ["transport"], "轨道交通": ["transport", "digital"],
    "道路客运": ["transport"], "保安服务": ["safety"], "应急救援": ["emergency", "volunteering"], "电力": ["emergency"],
    "邮政": ["community_service"], "社会工作": ["volunteering", "community_service"], "乡村振兴": ["commerce"],
    "文创园区": ["venue", "culture"], "商会": ["commerce"], "金融": ["funding"], "数字经济": ["digital"],
    "新就业群体": ["volunteering"], "楼宇服务": ["venue", "commerce"], "站区管理": ["urban_governance", "venue", "publicity"],
    "司法行政": ["volunteering"], "便民服务": ["community_service", "elderly_care"], "枢纽运营": ["transport", "digital"],
    "养老": ["elderly_care"], "职业教育": ["education", "employment"],
}

# Site names for text, by the area a unit or need sits in.
SITE_OF_AREA = {
    "BJ-CY-DF": "东风地区", "BJ-CY-CW": "朝外地区", "BJ-CY-AZ": "安贞地区", "BJ-CY-BLZ": "八里庄地区",
    "BJ-CY-SJ": "双井地区", "BJ-CY-DB": "东坝地区", "BJ-DC-JGM": "建国门地区", "BJ-XC-ZLL": "展览路地区",
    "BJ-FT-YAM": "右安门地区", "BJ-FT-TPQ": "太平桥地区", "BJ-FT-FTJ": "丰台街道", "BJ-HD-QH": "清河地区",
    "FZ-JA-CY": "茶园街道", "FZ-ST": "福州火车站片区", "TJ-HD-DWZ": "大王庄地区", "TJ-ST": "天津站",
    "BJ-CY": "朝阳区", "BJ": "北京市", "FZ": "福州市", "FZ-JA": "晋安区", "TJ": "天津市", "TJ-HD": "河东区",
}
SITE_OF_AREA.update(STATION_SITE)


def site_of(area_id: str) -> str:
    """The place name used in titles: the nearest station area, street or district."""
    while area_id:
        a = AREA[area_id]
        if a[2] == "community":
            return a[1]
        if area_id in SITE_OF_AREA:
            return SITE_OF_AREA[area_id]
        area_id = a[3]
    return ""


def short(name: str) -> str:
    for tail in ("（控股）有限公司", "（集团）有限公司", "有限责任公司", "有限公司", "居委会"):
        if name.endswith(tail):
            return name[: -len(tail)]
    return name


def in_subtree(area_id: str, root: str) -> bool:
    while area_id:
        if area_id == root:
            return True
        area_id = AREA[area_id][3]
    return False


# ---------------------------------------------------------------------------
# Hand-written rows drawn from the sources' facts (titles and text written anew)
# ---------------------------------------------------------------------------
# (key, unit, category, area, raised, urgency, quantity, title, description)
EXPLICIT_NEEDS = [
    ("cy_park1", "北京朝阳站交通枢纽运营管理有限公司", "parking", "BJ-ST-CY-G01", "2025-03-06", "high", 200,
     "朝阳站东广场接站车辆停车位缺口", "东广场接站私家车高峰时段排队进场，现有车位远不能满足，车辆在姚家园北街临时停靠。"),
    ("cy_park2", "国铁朝阳站", "parking", "BJ-ST-CY-G02", "2025-04-18", "medium", 80,
     "朝阳站职工夜班通勤停车", "夜班和早班交接时段职工车辆无处停放，只能停在周边小区。"),
    ("cy_park3", "将府家园社区居委会", "parking", "BJ-ST-CY-G06", "2025-05-09", "medium", 60,
     "站区外溢车辆占用社区停车位", "接送站车辆驶入社区道路停放，居民晚归无位可停，矛盾增多。"),
    ("cy_park4", "首都医科大学附属北京朝阳医院", "parking", "BJ-ST-CY", "2025-06-12", "medium", 40,
     "朝阳站周边医疗巡诊车辆停靠点", "医疗巡诊和转运车辆在站区缺少固定停靠位置。"),
    ("cy_park5", "朝阳站综合商业运营有限公司", "parking", "BJ-ST-CY-G03", "2025-07-02", "low", 50,
     "商业顾客短时停车", "换乘大厅周边商户反映顾客无处短时停车，影响经营。"),
    ("cy_park6", "北京通达出租汽车有限公司", "parking", "BJ-ST-CY-G01", "2025-08-21", "high", 60,
     "出租车蓄车场容量不足", "夜间到达高峰时出租车蓄车场停满，后续车辆在辅路排队。"),
    ("cy_park7", "北京市朝阳区东风乡人民政府", "parking", "BJ-ST-CY-G07", "2025-09-15", "medium", 100,
     "东坝南二街沿线违停治理后停车需求", "沿线整治违停后，周边商户和居民的停车需求需要找到替代车位。"),
    ("cy_park8", "北京市朝阳区东坝地区办事处", "parking", "BJ-ST-CY-G07", "2025-10-10", "low", 30,
     "东坝地区非机动车停放区规划", "站区东侧共享单车无序停放，需要规划停放区并明确运维责任。"),
    ("fz_mom", "南昌铁路局福州车站", "maternal_child", "FZ-ST-G01", "2024-03-05", "high", 1,
     "北出站口母婴室设备配置", "北出站口新设母婴室，尚缺护理台、哺乳椅、温奶器等设备和日常用品。"),
    ("fz_guard", "晋安区八闽第一站社会工作服务中心", "safety", "FZ-ST-G03", "2024-02-20", "medium", 2,
     "党群活动阵地安保值守", "活动阵地面向旅客全天开放，需要安保人员协助值守和秩序维护。"),
    ("fz_water", "晋安区八闽第一站社会工作服务中心", "community_service", "FZ-ST-G03", "2024-02-20", "medium", 1,
     "旅客免费饮水设备", "阵地内旅客饮水需求大，现有饮水机不够用，需要净水设备。"),
    ("fz_train", "晋安区八闽第一站社会工作服务中心", "volunteering", "FZ-ST", "2024-04-11", "low", 30,
     "大学生志愿者常态化上岗", "节假日以外志愿者不足，希望高校学生定期到阵地服务。"),
    ("fz_rescue", "南昌铁路局福州车站", "emergency", "FZ-ST", "2024-05-08", "medium", 1,
     "站前广场应急救援服务点", "广场人员密集，需要专业救援力量设立常态化服务点。"),
    ("tj_exam", "天津致远轨道交通运营有限公司天津站站区管理部", "community_service", "TJ-ST", "2024-05-20", "medium", 1,
     "考试期间考生出行服务点", "中高考期间考生集中换乘，需要设置服务点提供热水、充电和寄存。"),
    ("tj_lost", "天津站地区管理办公室", "community_service", "TJ-ST", "2024-07-01", "low", 1,
     "站区遗失物信息共享", "地铁、铁路、公交、长途客运各管各的失物，旅客要跑多处查找。"),
    ("tj_link", "天津站地区管理办公室", "transport", "TJ-ST", "2024-09-03", "medium", 1,
     "京津城际到站旅客换乘引导", "城际列车到站客流集中，旅客不清楚地铁和公交换乘方向。"),
]
# Deliberate gap (c): open needs older than a year that no project addresses.
OLD_UNSERVED_NEEDS = [
    ("old1", "驼房营社区居委会", "elderly_care", "BJ-CY-DF-02", "2023-05-16", "high", 35,
     "驼房营社区高龄独居老人助浴服务", "社区八十岁以上独居老人洗澡困难，需要上门助浴和安全扶手改造。"),
    ("old2", "北京北站地区管理办公室", "digital", "BJ-ST-BJB-G03", "2023-08-02", "medium", 3,
     "北京北站网约车接送区定位偏差", "导航软件把接送区定位在广场另一侧，旅客和司机互相找不到。"),
    ("old3", "北京南站地区管理办公室", "environment", "BJ-ST-BJN-G10", "2023-10-24", "medium", 2,
     "北京南站周边路网绿化带缺株", "周边道路绿化带大面积缺株，尘土较多。"),
    ("old4", "电建一公司社区居委会", "venue", "FZ-JA-CY-02", "2023-11-08", "low", 1,
     "电建一公司社区议事活动室", "老旧小区没有议事和活动场所，居民自治会议只能在露天开。"),
    ("old5", "天津市河东区实验小学", "education", "TJ-HD", "2024-01-15", "low", 2,
     "小学生地铁安全研学活动", "学校希望组织学生到地铁车站开展安全研学，尚无对接渠道。"),
    ("old6", "北京市朝阳区残疾人联合会", "community_service", "BJ-ST-CY-G03", "2024-03-28", "high", 4,
     "朝阳站无障碍设施运行维护", "无障碍电梯和升降平台时常停用，残障旅客出行受阻。"),
]
# Beijing's maternal-child needs: the only supplier of the category is in Fuzhou.
MATERNAL_CHILD_NEEDS = [
    ("mc1", "国铁北京西站", "maternal_child", "BJ-ST-BJX-G10", "2025-02-26", "high", 2,
     "北京西站候车区母婴室扩容", "候车区母婴室只有一间，暑运和春运期间哺乳期旅客排队等候，需要扩容并补充设备。"),
    ("mc2", "北京南站地区管理办公室", "maternal_child", "BJ-ST-BJN-G05", "2025-07-14", "medium", 1,
     "北京南站携幼旅客临时看护点", "携带幼儿的旅客在改签、寻物时无人照看孩子，希望设置有人值守的看护点。"),
    ("mc3", "富力社区居委会", "maternal_child", "BJ-CY-SJ-01", "2025-09-03", "medium", 30,
     "富力社区双职工家庭儿童课后托管", "社区双职工家庭多，放学后到家长下班前孩子无人看管，需要托管场地和看护人员。"),
    ("mc4", "将府家园社区居委会", "maternal_child", "BJ-CY-DF-01", "2025-10-28", "low", 1,
     "将府家园社区母婴关爱小屋", "社区新生儿家庭增多，希望设立提供哺乳、育儿咨询的关爱小屋。"),
]
# Deliberate gap (b): needs of a category nobody supplies (legal); left unaddressed.
LEGAL_NEEDS = [
    ("legal1", "北京市朝阳区东风乡人民政府", "BJ-CY-DF", "2025-03-14", "medium", 40, 0),
    ("legal2", "北京安贞商厦有限公司", "BJ-CY-AZ", "2025-05-22", "low", 6, 1),
    ("legal3", "安华里社区居委会", "BJ-CY-AZ-01", "2025-06-30", "low", 4, 2),
    ("legal4", "国铁北京西站", "BJ-ST-BJX-G10", "2025-08-08", "medium", 2, 3),
    ("legal5", "福州站片区快递外卖从业者联合会", "FZ-ST", "2025-04-17", "high", 60, 0),
    ("legal6", "福州火车站商贸城", "FZ-ST", "2025-09-05", "medium", 8, 1),
    ("legal7", "丰台站东社区居委会", "BJ-FT-FTJ-01", "2025-10-20", "low", 3, 2),
]

# (unit, category, area, capacity, available_until, title, description)
EXPLICIT_RESOURCES = [
    ("福建孩子王儿童用品有限公司", "maternal_child", "FZ-ST", 2, "2026-12-31", "母婴室设备和用品捐赠",
     "可为站区母婴室提供护理台、哺乳椅、温奶器和尿不湿等用品，并定期补充。容量为可配置的母婴室间数。"),
    ("福建华盾保安有限公司", "safety", "FZ-ST", 2, "2026-06-30", "义务安保值守人员",
     "安排两名保安人员义务到党群活动阵地值守。容量为人数。"),
    ("福建华盾保安有限公司", "community_service", "FZ-ST", 1, "2025-12-31", "净水器设备捐赠",
     "捐赠价值约五千元的净水器设备，供旅客免费饮水。容量为台数。"),
    ("福建师范大学", "volunteering", "FZ-ST", 120, "2026-12-31", "学生实训基地志愿服务",
     "在站区设立学生实训基地，学生按学期轮流到阵地开展志愿服务。容量为每年人次。"),
    ("福建省曙光救援中心", "emergency", "FZ-ST", 6, "2026-12-31", "常态化救援志愿服务点",
     "在站前广场开辟常态化志愿服务点，配备急救包和救援志愿者。容量为驻点志愿者人数。"),
    ("丰台站地区管理办公室", "parking", "BJ-ST-FT-G01", 150, "2026-12-31", "东落客平台停车场开放车位",
     "东落客平台停车场开通后释放社会车辆停车位。容量为车位数。"),
    ("北京站地区管理办公室", "parking", "BJ-ST-BJ-G07", 120, "2026-06-30", "东侧停车场扩容车位",
     "东侧停车场提质扩容后新增的社会车辆车位。容量为车位数。"),
    ("北京市朝阳区八里庄街道办事处", "parking", "BJ-CY-BLZ", 60, "2026-12-31", "商圈楼宇错时共享车位",
     "协调商圈楼宇夜间和周末向周边居民开放车位。容量为车位数。"),
    ("北京朝阳站交通枢纽运营管理有限公司", "parking", "BJ-ST-CY-G01", 20, "2025-12-31", "枢纽地下停车场临时车位",
     "枢纽地下停车场在非高峰时段可临时提供少量车位。容量为车位数。"),
    ("福州站前物业管理有限公司", "parking", "FZ-ST", 40, "2026-06-30", "站前小区错时停车位",
     "站前小区白天空置车位可错时向接站车辆开放。容量为车位数。"),
    ("天津致远轨道交通运营有限公司天津站站区管理部", "community_service", "TJ-ST", 3, "2026-12-31", "爱心助考服务点",
     "考试期间在站内设服务点，提供暖心服务包、热水、充电宝和行李寄存。容量为服务点数。"),
    ("天津交通职业学院", "education", "TJ", 200, "2026-12-31", "轨道交通专业学生志愿实践",
     "组织轨道交通专业学生到车站开展志愿实践和岗位见习。容量为每年人次。"),
    (BROKER, "transport", "BJ", 12, "2026-12-31", "京津城际到站客流信息推送",
     "按车次推送京津城际和进京列车到站客流，供地铁和公交提前调度。容量为每日推送批次。"),
]

# think-tank offers of the universities (党建+智库)
EXPLICIT_RESOURCES += [
    (name, "think_tank", UNIT[UID[name]]["area_id"], cap, "2026-12-31", f"{name}党建+智库专家团队",
     f"{topic}方向的教师团队可为站区和街道提供咨询、课题研究和方案评审。容量为每年可承接课题数。")
    for name, topic, cap in [
        ("中央美术学院", "公共艺术与城市设计", 3), ("中国人民大学", "基层治理与公共管理", 4),
        ("对外经济贸易大学", "商圈经济与营商环境", 2), ("中国传媒大学", "城市传播与品牌形象", 3),
        ("北京工业大学", "交通工程与城市规划", 3), ("北京交通大学", "综合交通枢纽运营", 4),
        ("首都经济贸易大学", "城市经济与产业布局", 2), ("福建江夏学院", "社会治理与社区服务", 2),
    ]
]

# Projects from the sources' facts: (region, site area, category, title, lead, participants, status, start, end, need keys)
EXPLICIT_PROJECTS = [
    ("BJ", "BJ-ST-CY", "environment", "朝阳站花园站区绿化攻坚", "朝阳站地区管理办公室",
     ["北京市朝阳区园林绿化局", "国铁朝阳站"], "completed", "2023-03-20", "2023-10-31", []),
    ("BJ", "BJ-ST-CY", "environment", "西侧桥下空间口袋公园建设", "北京市朝阳区园林绿化局",
     ["朝阳站地区管理办公室", "中央美术学院"], "completed", "2023-05-10", "2024-05-31", []),
    ("BJ", "BJ-ST-CY", "transport", "出租车党员调度岗设置", "北京通达出租汽车有限公司",
     ["朝阳站地区管理办公室", "国铁朝阳站"], "completed", "2023-06-01", "2023-12-31", []),
    ("BJ", "BJ-ST-CY", "digital", "国庆客流预判增开安检通道", "国铁朝阳站",
     ["北京市地铁运营有限公司", "朝阳站地区管理办公室"], "completed", "2024-09-10", "2024-10-08", []),
    ("BJ", "BJ-ST-CY", "commerce", "朝朝合作商业指引屏", "北京市朝阳区朝外街道办事处",
     ["朝阳站地区管理办公室", "朝阳站综合商业运营有限公司"], "completed", "2024-03-01", "2024-08-30", []),
    ("BJ", "BJ-ST-CY", "commerce", "东北三省好物进站展销", "朝阳站地区管理办公室",
     ["黑龙江省人民政府驻北京办事处", "吉林省人民政府驻北京办事处", "辽宁省人民政府驻北京办事处", "北京市朝阳区商务局"],
     "active", "2024-11-15", "2026-06-30", []),
    ("BJ", "BJ-ST-CY", "culture", "铁路记忆老物件展", "中国铁道博物馆",
     ["朝阳站地区管理办公室", "北京市朝阳区文化和旅游局"], "completed", "2024-01-20", "2024-03-10", []),
    ("BJ", "BJ-ST-CY", "culture", "辽宁地域文化进站展", "辽宁省人民政府驻北京办事处",
     ["朝阳站地区管理办公室", "北京市朝阳区文化和旅游局"], "completed", "2025-04-01", "2025-05-15", []),
    ("BJ", "BJ-ST-CY", "emergency", "站区应急处置预案季度演练", "朝阳站地区管理办公室",
     ["北京铁路公安处", "北京市朝阳区消防救援支队", "首都医科大学附属北京朝阳医院", "国铁朝阳站"],
     "active", "2023-04-01", "2025-12-31", []),
    ("BJ", "BJ", "urban_governance", "交界区域联合执法伙伴计划", "北京市重点站区管理委员会",
     ["北京市西城区城市管理综合行政执法局", "北京市丰台区城市管理综合行政执法局",
      "北京市朝阳区城市管理综合行政执法局", "北京市海淀区城市管理综合行政执法局"], "active", "2023-05-01", "2025-12-31", []),
    ("BJ", "BJ", "publicity", "京张体育文化旅游带站区宣传", "北京市重点站区管理委员会",
     ["北京市延庆区人民政府", "北京北站地区管理办公室"], "completed", "2023-07-01", "2023-12-31", []),
    ("BJ", "BJ-ST-BJB", "party_education", "新中国成立历史图片站区巡展", "北京北站地区管理办公室",
     ["中共北京市西城区委组织部", "北京北站文化传播有限公司"], "completed", "2023-09-15", "2023-10-31", []),
    ("BJ", "BJ-ST-FT", "culture", "老丰台站铁路发展史宣讲", "丰台站地区管理办公室",
     ["国铁丰台站", "丰台区丰台街道办事处"], "completed", "2023-08-01", "2023-11-30", []),
    ("BJ", "BJ", "digital", "站区移动信号和定位优化", "北京市通信管理局",
     ["中国移动通信集团北京有限公司", "北京图行地图科技有限公司", "北京市重点站区管理委员会"], "completed",
     "2023-06-15", "2024-03-31", []),
    ("BJ", "BJ", "party_education", "站旗红党建品牌共建", "北京市重点站区管理委员会",
     ["朝阳站地区管理办公室", "北京站地区管理办公室", "北京西站地区管理办公室"], "active", "2023-02-01", "2025-12-31", []),
    ("FZ", "FZ-ST", "maternal_child", "八闽第一站母婴室建设", "晋安区茶园街道党工委",
     ["福建孩子王儿童用品有限公司", "南昌铁路局福州车站"], "completed", "2024-03-20", "2024-05-31", ["fz_mom"]),
    ("FZ", "FZ-ST", "safety", "党群阵地义务安保与饮水保障", "福建华盾保安有限公司",
     ["晋安区八闽第一站社会工作服务中心"], "completed", "2024-03-01", "2024-12-31", ["fz_guard", "fz_water"]),
    ("FZ", "FZ-ST", "volunteering", "师大学子实训基地志愿服务", "福建师范大学",
     ["晋安区八闽第一站社会工作服务中心", "晋安区茶园街道党工委"], "active", "2024-05-01", "2026-06-30", ["fz_train"]),
    ("FZ", "FZ-ST", "emergency", "曙光救援常态化志愿服务点", "福建省曙光救援中心",
     ["南昌铁路局福州车站", "晋安区八闽第一站社会工作服务中心"], "active", "2024-06-01", "2026-05-31", ["fz_rescue"]),
    ("FZ", "FZ-ST", "volunteering", "客流高峰暖心大礼包", "晋安区八闽第一站社会工作服务中心",
     ["南昌铁路局福州车站", "福州火车站商贸城", "共青团福州市晋安区委员会"], "completed", "2024-09-20", "2024-10-08", []),
    ("FZ", "FZ-ST", "employment", "进城务工人员红色驿站", "晋安区茶园街道党工委",
     ["福州市晋安区人力资源和社会保障局", "福州市晋安区总工会", "晋安区八闽第一站社会工作服务中心"], "active",
     "2023-06-01", "2025-12-31", []),
    ("FZ", "FZ-JA", "commerce", "周游晋安乡村振兴直播推介", "福州市晋安区文体和旅游局",
     ["晋安区北峰乡村振兴服务中心", "福州市旅游集散中心", "福州市晋安区融媒体中心"], "completed",
     "2023-09-01", "2024-06-30", []),
    ("FZ", "FZ-JA-CY", "safety", "夕阳红党员志愿巡逻", "东浦社区居委会",
     ["福州市公安局晋安分局", "晋安区茶园街道党工委"], "active", "2023-03-01", "2025-12-31", []),
    ("TJ", "TJ-ST", "community_service", "津彩爱心助考服务", "天津致远轨道交通运营有限公司天津站站区管理部",
     ["天津交通职业学院", "天津市河东区卫生健康委员会"], "completed", "2024-06-01", "2024-06-30", ["tj_exam"]),
    ("TJ", "TJ-ST", "community_service", "公共交通服务联盟遗失物信息共享", "天津站地区管理办公室",
     ["天津致远轨道交通运营有限公司天津站站区管理部", "天津市公共交通集团（控股）有限公司", "天津站长途客运站"],
     "active", "2024-08-01", "2026-03-31", ["tj_lost"]),
    # the one project that spans Tianjin and the Beijing railway bureau: its ties run through the broker
    ("TJ", "TJ-ST", "transport", "京津城际到站换乘引导", BROKER,
     ["天津致远轨道交通运营有限公司天津站站区管理部", "天津站地区管理办公室"], "active",
     "2024-10-01", "2026-06-30", ["tj_link"]),
    ("TJ", "TJ-ST", "education", "红色津门服务课堂进校园", "天津致远轨道交通运营有限公司天津站站区管理部",
     ["天津交通职业学院", "天津市公安局公共交通治安分局"], "active", "2024-03-01", "2025-12-31", []),
    ("TJ", "TJ-ST", "volunteering", "雷锋服务队爱心接力", "天津致远轨道交通运营有限公司天津站站区管理部",
     ["天津市梅江强制隔离戒毒所", "河东区大王庄街道站前社区居委会"], "active", "2023-03-05", "2025-12-31", []),
]

# Agreements: (unit_a, unit_b, kind, signed)
CHAOYANG_BUREAUS = [u["name"] for u in UNITS if u["area_id"] == "BJ-CY" and u["type"] == "government"
                    and u["name"].startswith(("北京市朝阳区", "中共北京市朝阳区", "共青团北京市朝阳区"))
                    and "消防" not in u["name"] and "paper" not in u["flags"]]
UNIVERSITIES_7 = ["中央美术学院", "中国人民大学", "对外经济贸易大学", "中国传媒大学", "北京工业大学", "北京交通大学", "首都经济贸易大学"]


def agreements() -> list[tuple[str, str, str, str]]:
    rng = random.Random(SEED + 1)
    out = []

    def day(year_from: str, span: int) -> str:
        return (dt.date.fromisoformat(year_from) + dt.timedelta(days=rng.randrange(span))).isoformat()

    # three lists with the district bureaus' party organizations (the sources say 32)
    for name in CHAOYANG_BUREAUS + ["北京公共交通控股（集团）有限公司", "北京市朝阳区红十字会"]:
        if name in {"中共北京市朝阳区委组织部"}:
            continue
        out.append(("朝阳站地区管理办公室", name, "co_building", day("2022-06-01", 300)))
    for name in UNIVERSITIES_7:
        out.append(("朝阳站地区管理办公室", name, "think_tank", day("2022-09-01", 400)))
    out += [
        ("北京市重点站区管理委员会", "北京市延庆区人民政府", "strategic", "2023-04-18"),
        ("北京北站地区管理办公室", "中共北京市西城区委组织部", "co_building", "2023-03-22"),
        ("北京市重点站区管理委员会", "中国人民大学", "think_tank", "2023-09-06"),
        ("北京市重点站区管理委员会", "北京交通大学", "think_tank", "2023-09-06"),
        ("北京市朝阳区八里庄街道办事处", "中国传媒大学", "think_tank", "2024-04-12"),
        ("北京市朝阳区安贞街道办事处", "首都医科大学附属北京安贞医院", "co_building", "2020-05-12"),
        ("北京市朝阳区安贞街道办事处", "北京市安华中学", "co_building", "2021-09-01"),
        ("安贞街道文化活动中心", "北京安贞书局有限公司", "co_building", "2022-04-23"),
        ("北京市朝阳区双井街道办事处", "中国银行北京双井支行", "co_building", "2022-03-15"),
        ("北京市朝阳区东坝地区办事处", "北京东坝物流园有限公司", "co_building", "2023-06-08"),
        ("北京市朝阳区东风乡人民政府", "朝阳站地区管理办公室", "co_building", "2022-05-10"),
        ("北京市朝阳区朝外街道办事处", "朝阳站地区管理办公室", "co_building", "2023-12-01"),
        ("北京西站地区管理办公室", "北京交通大学", "think_tank", "2024-02-26"),
        ("丰台站地区管理办公室", "首都经济贸易大学", "think_tank", "2024-05-08"),
        # signed in 2025: the history's newest ties
        ("北京市朝阳区八里庄街道办事处", "北京莱锦文化创意产业园有限公司", "co_building", "2025-03-18"),
        ("北京南站地区管理办公室", "北京易行网约车服务有限公司", "co_building", "2025-04-22"),
        ("北京市朝阳区双井街道办事处", "双井数字经济产业园运营有限公司", "co_building", "2025-06-10"),
        ("清河站地区管理办公室", "北京交通大学", "think_tank", "2025-09-16"),
    ]
    for name in ["南昌铁路局福州车站", "福建省汽车运输有限公司福州站务分公司", "福州火车站商贸城",
                 "福建孩子王儿童用品有限公司", "福建华盾保安有限公司", "福建省曙光救援中心", "福州铁路公安处福州站派出所",
                 "福州公交集团有限公司", "福州地铁集团有限公司", "福州市晋安区医院", "福州市旅游集散中心",
                 "中国移动通信集团福建有限公司福州分公司", "国网福州供电公司晋安供电服务中心", "福州站前物业管理有限公司",
                 "福州火车站邮政支局", "福州市城乡建总集团有限公司", "福州市第一医院", "福州站片区快递外卖从业者联合会"]:
        out.append(("晋安区茶园街道党工委", name, "co_building", day("2018-10-16", 500)))
    out += [
        ("晋安区茶园街道党工委", "福建师范大学", "think_tank", "2019-11-20"),
        ("晋安区茶园街道党工委", "福建江夏学院", "think_tank", "2021-03-18"),
        ("晋安区八闽第一站社会工作服务中心", "晋安区茶园街道党工委", "co_building", "2019-09-01"),
        ("天津致远轨道交通运营有限公司天津站站区管理部", "天津市公安局公共交通治安分局", "co_building", "2023-04-10"),
        ("天津致远轨道交通运营有限公司天津站站区管理部", "天津市河东区卫生健康委员会", "co_building", "2023-05-16"),
        ("天津致远轨道交通运营有限公司天津站站区管理部", "天津市梅江强制隔离戒毒所", "co_building", "2023-06-26"),
        ("天津致远轨道交通运营有限公司天津站站区管理部", "天津交通职业学院", "co_building", "2023-09-12"),
        ("天津致远轨道交通运营有限公司天津站站区管理部", "天津市河东区实验小学", "co_building", "2024-03-01"),
        ("天津站地区管理办公室", "河东区大王庄街道站前社区居委会", "co_building", "2023-03-01"),
    ]
    return out


# ---------------------------------------------------------------------------
# Generation
# ---------------------------------------------------------------------------
def _date(rng: random.Random, start: str, end: str) -> dt.date:
    a, b = dt.date.fromisoformat(start), dt.date.fromisoformat(end)
    return a + dt.timedelta(days=rng.randrange((b - a).days + 1))


def _station_only(text: tuple) -> bool:
    """Whether a need template only makes sense inside a station area."""
    return any(w in text[0] + text[1] for w in ("旅客", "站区", "出站", "春运", "换乘", "网约车", "站前", "客流"))


def district_of(area_id: str) -> str:
    """The district (or, above it, the city) an area lies in."""
    while area_id and AREA[area_id][2] not in ("district", "city"):
        area_id = AREA[area_id][3]
    return area_id


def _grid_or_area(rng: random.Random, area_id: str) -> str:
    if area_id in SMALL_GRIDS and rng.random() < 0.6:
        return f"{area_id}-G{rng.randrange(1, len(SMALL_GRIDS[area_id]) + 1):02d}"
    return area_id


FICTIONAL_CONTACTS = ["张老师", "李老师", "王女士", "刘先生", "陈老师", "赵女士", "孙老师", "周先生"]
PHONE_PREFIX = {"BJ": "010", "FZ": "0591", "TJ": "022"}


def fictional_phone(region: str, n: int) -> str:
    return f"{PHONE_PREFIX[region]}-0000{n % 10000:04d}"


def build() -> dict[str, list[dict]]:
    rng = random.Random(SEED)
    active = [u for u in UNITS if not ({"paper"} & u["flags"])]

    # --- units table
    unit_rows = []
    for i, u in enumerate(UNITS):
        contact = phone = ""
        if i % 7 == 3:
            contact = FICTIONAL_CONTACTS[i % len(FICTIONAL_CONTACTS)]
            phone = fictional_phone(u["region"], 1000 + i * 37)
        unit_rows.append(dict(id=u["id"], name=u["name"], type=u["type"], sector=u["sector"], area_id=u["area_id"],
                              contact=contact, phone=phone))

    # --- needs
    needs: list[dict] = []
    key_to_need: dict[str, str] = {}

    def add_need(uid, cat, area, raised, urgency, qty, title, desc, key=None, kind="random"):
        nid = f"N{len(needs) + 1:04d}"
        needs.append(dict(id=nid, title=title, category=cat, unit_id=uid, description=desc, area_id=area,
                          raised=raised, urgency=urgency, quantity=qty, status="open", contact="", phone="",
                          _kind=kind, _region=UNIT[uid]["region"]))
        if key:
            key_to_need[key] = nid
        return nid

    for key, uname, cat, area, raised, urg, qty, title, desc in EXPLICIT_NEEDS:
        add_need(UID[uname], cat, area, raised, urg, qty, title, desc, key, kind="explicit")
    for key, uname, cat, area, raised, urg, qty, title, desc in OLD_UNSERVED_NEEDS:
        add_need(UID[uname], cat, area, raised, urg, qty, title, desc, key, kind="old_gap")
    for key, uname, cat, area, raised, urg, qty, title, desc in MATERNAL_CHILD_NEEDS:
        add_need(UID[uname], cat, area, raised, urg, qty, title, desc, key, kind="supply_gap")
    for key, uname, area, raised, urg, qty, t in LEGAL_NEEDS:
        title, desc, _ = NEED_TEXT["legal"][t]
        add_need(UID[uname], "legal", area, raised, urg, qty, title.format(site=site_of(area)), desc, key, kind="legal_gap")

    used_titles = {n["title"] for n in needs}
    for u in active:
        hub = "hub" in u["flags"]
        k = rng.choice([3, 4, 4, 5]) if hub else rng.choice([0, 1, 1, 2, 2, 2, 3])
        cats = TYPE_NEEDS[u["type"]]
        at_station = any(in_subtree(u["area_id"], st) for st in STATION_SITE)
        for _ in range(k):
            cat = rng.choice(cats)
            texts = [x for x in NEED_TEXT[cat] if (at_station or not _station_only(x))
                     and ("{org}" not in x[0] or u["type"] in ("university", "school"))]
            if not texts:
                continue
            title_t, desc, (qa, qb) = rng.choice(texts)
            area = _grid_or_area(rng, u["area_id"])
            title = title_t.format(site=site_of(area), org=short(u["name"]))
            if title in used_titles:
                continue
            used_titles.add(title)
            r = rng.random()
            raised = _date(rng, "2023-03-01", "2023-12-31") if r < 0.08 else (
                _date(rng, "2024-01-01", "2024-12-31") if r < 0.32 else _date(rng, "2025-01-01", "2025-11-30"))
            urgency = rng.choices(["low", "medium", "high"], [3, 5, 2])[0]
            add_need(u["id"], cat, area, raised.isoformat(), urgency, rng.randint(qa, qb),
                     title, desc.format(site=site_of(area)))

    # --- resources
    resources: list[dict] = []

    def add_res(uid, cat, area, cap, until, title, desc):
        resources.append(dict(id=f"R{len(resources) + 1:04d}", title=title, category=cat, unit_id=uid,
                              description=desc, area_id=area, capacity=cap, available_until=until,
                              contact="", phone=""))

    for uname, cat, area, cap, until, title, desc in EXPLICIT_RESOURCES:
        add_res(UID[uname], cat, area, cap, until, title, desc)
    res_titles = {r["title"] for r in resources}
    for u in active:
        hub = "hub" in u["flags"]
        k = rng.choice([2, 3]) if hub else rng.choice([0, 1, 1, 1, 1, 1, 2])
        cats = SECTOR_RESOURCES.get(u["sector"]) or TYPE_RESOURCES[u["type"]]
        for _ in range(k):
            cat = rng.choice(cats)
            if not RESOURCE_TEXT[cat]:
                continue
            title_t, desc, (ca, cb) = rng.choice(RESOURCE_TEXT[cat])
            title = title_t.format(org=short(u["name"]), site=site_of(u["area_id"]))
            if title in res_titles:
                continue
            res_titles.add(title)
            until = _date(rng, "2025-06-30", "2026-12-31")
            until = dt.date(until.year, until.month, 1) - dt.timedelta(days=1)  # offers run to a month's end
            add_res(u["id"], cat, u["area_id"], rng.randint(ca, cb), until.isoformat(),
                    title, desc.format(site=site_of(u["area_id"])))

    # --- projects
    projects: list[dict] = []
    participations: list[tuple[str, str, str]] = []
    no_project_units = {UID[n] for n, _, _ in next(c for c in COMMITTEES if c[0] == NO_PROJECT_COMMITTEE)[7]}
    pool = {r: [u["id"] for u in active if u["region"] == r and u["id"] not in no_project_units] for r in ("BJ", "FZ", "TJ")}
    weight = {u["id"]: (15 if "hub" in u["flags"] else 1) for u in UNITS}
    offers: dict[tuple[str, str], list[str]] = {}
    for r in resources:
        offers.setdefault((UNIT[r["unit_id"]]["region"], r["category"]), []).append(r["unit_id"])

    def add_project(title, cat, lead, others, status, start, end, need_ids):
        pid = f"PJ{len(projects) + 1:03d}"
        projects.append(dict(id=pid, title=title, category=cat, lead_unit_id=lead, status=status,
                             start=start, end=end, need_ids=";".join(need_ids)))
        seen = {lead}
        participations.append((pid, lead, "牵头"))
        for o in others:
            if o not in seen and len(seen) < 5:
                seen.add(o)
                participations.append((pid, o, "参与"))
        return pid

    def status_for(start: dt.date, end: dt.date) -> str:
        if end <= dt.date(2025, 10, 31):
            return "completed"
        if start > dt.date(2025, 11, 15):
            return "planned"
        return "active"

    for region, area, cat, title, lead, parts, status, start, end, keys in EXPLICIT_PROJECTS:
        add_project(title, cat, UID[lead], [UID[p] for p in parts], status, start, end, [key_to_need[k] for k in keys])
    addressed = {nid for p in projects for nid in p["need_ids"].split(";") if nid}

    # Every random need raised before 2025 is addressed; a share of the 2025 ones too.
    cutoff = dt.date(2025, 1, 1)
    todo = [n for n in needs if n["_kind"] in ("random", "explicit") and n["id"] not in addressed
            and (dt.date.fromisoformat(n["raised"]) < cutoff or rng.random() < 0.2)]
    # the Chaoyang parking shortage stays mostly unaddressed
    todo = [n for n in todo if not (n["category"] == "parking" and in_subtree(n["area_id"], "BJ-ST-CY"))]
    groups: dict[tuple[str, str], list[dict]] = {}
    for n in sorted(todo, key=lambda n: (n["raised"], n["id"])):
        groups.setdefault((n["_region"], n["category"]), []).append(n)
    project_titles = {p["title"] for p in projects}
    for (region, cat), items in sorted(groups.items()):
        i = 0
        while i < len(items):
            size = rng.choice([1, 1, 1, 2, 2])
            chunk = items[i:i + size]
            i += size
            raisers = [n["unit_id"] for n in chunk]
            providers = [p for p in offers.get((region, cat), []) if p in pool[region]]
            near = [p for p in providers if district_of(UNIT[p]["area_id"]) == district_of(chunk[0]["area_id"])]
            providers = near or providers
            lead = rng.choice(providers) if providers and rng.random() < 0.7 else raisers[0]
            if lead in no_project_units:
                lead = rng.choices(pool[region], [weight[p] for p in pool[region]])[0]
            extra = rng.choices(pool[region], [weight[p] for p in pool[region]], k=rng.choice([0, 1, 1, 2, 2]))
            others = [r for r in raisers if r not in no_project_units] + extra
            start = max(dt.date.fromisoformat(n["raised"]) for n in chunk) + dt.timedelta(days=rng.randint(7, 50))
            end = start + dt.timedelta(days=rng.randint(60, 420))
            status = status_for(start, end)
            site = site_of(chunk[0]["area_id"])
            at_station = any(in_subtree(chunk[0]["area_id"], st) for st in STATION_SITE)
            names = [x for x in PROJECT_TEXT[cat] if at_station or not any(w in x for w in ("站区", "旅客", "客流"))]
            title = f"{site}{rng.choice(names or PROJECT_TEXT[cat])}"
            if title in project_titles:
                title = f"{title}（{start.year}）"
            if title in project_titles:
                title = f"{title[:-1]}·{len(projects)}）"
            project_titles.add(title)
            add_project(title, cat, lead, others, status, start.isoformat(), end.isoformat(), [n["id"] for n in chunk])

    # A few projects stalled.
    for p in [p for p in projects if p["status"] == "active"][3::9]:
        p["status"] = "suspended"

    # Every unit that is not a deliberate paper member does something: give idle ones a resource.
    agreement_units = {UID[x] for a in agreements() for x in a[:2]}
    busy = ({n["unit_id"] for n in needs} | {r["unit_id"] for r in resources} | {p[1] for p in participations}
            | agreement_units)
    for u in active:
        if u["id"] in busy:
            continue
        cats = [c for c in (SECTOR_RESOURCES.get(u["sector"]) or TYPE_RESOURCES[u["type"]]) if RESOURCE_TEXT[c]]
        cat = cats[0]
        title_t, desc, (ca, cb) = RESOURCE_TEXT[cat][len(resources) % len(RESOURCE_TEXT[cat])]
        add_res(u["id"], cat, u["area_id"], rng.randint(ca, cb), "2026-06-30",
                title_t.format(org=short(u["name"]), site=site_of(u["area_id"])), desc.format(site=site_of(u["area_id"])))

    # --- need status follows the projects that address them
    by_need: dict[str, list[str]] = {}
    for p in projects:
        for nid in filter(None, p["need_ids"].split(";")):
            by_need.setdefault(nid, []).append(p["status"])
    for n in needs:
        st = by_need.get(n["id"])
        if not st:
            n["status"] = "open"
        elif "completed" in st:
            n["status"] = "fulfilled" if rng.random() < 0.85 else "partial"
        elif "active" in st:
            n["status"] = rng.choice(["accepted", "accepted", "dispatched"])
        else:
            n["status"] = "dispatched"
    for i, n in enumerate(needs):
        if i % 17 == 5:
            n["contact"] = FICTIONAL_CONTACTS[i % len(FICTIONAL_CONTACTS)]
            n["phone"] = fictional_phone(n["_region"], 5000 + i)

    # --- party organizations
    party = build_party_orgs(rng)

    # --- memberships and committees
    member_rows = []
    committee_rows = []
    for cid, name, level, area, parent, cadence, meetings, members in COMMITTEES:
        committee_rows.append(dict(id=cid, name=name, level=level, area_id=area, parent_id=parent,
                                   cadence=cadence, meetings=meetings))
        for uname, role, since in members:
            member_rows.append(dict(unit_id=UID[uname], committee_id=cid, role=role, since=since))

    agreement_rows = [dict(unit_a=UID[a], unit_b=UID[b], kind=k, signed=s) for a, b, k, s in agreements()]
    meetings = history(needs, projects, committee_rows, member_rows)

    return {
        "areas": [dict(id=a, name=n, level=l, parent_id=p) for a, n, l, p in AREAS],
        "committees": committee_rows,
        "units": unit_rows,
        "party_orgs": party,
        "memberships": member_rows,
        "agreements": agreement_rows,
        "needs": [{k: v for k, v in n.items() if not k.startswith("_")} for n in needs],
        "resources": resources,
        "projects": projects,
        "participations": [dict(project_id=p, unit_id=u, role=r) for p, u, r in participations],
        "meetings": meetings,
        "meta": [dict(as_of=REFERENCE_DATE.isoformat(), title=META_TITLE, source=META_SOURCE,
                      description=META_DESCRIPTION)],
    }


# ---------------------------------------------------------------------------
# History: two years of needs' steps, channels and ratings, later joiners, the meetings
# log. Drawn from their own generator after everything else, so the rows above keep
# the values they had before the history was added.
# ---------------------------------------------------------------------------
META_TITLE = "graphgov 示例数据集：北京重点站区、福州火车站片区、天津站"
META_SOURCE = "data/sample/build_sample.py（虚构数据；机构名称取自公开报道）"
META_DESCRIPTION = "三个协调网络的成员单位、三张清单、需求办理记录（2023–2025）与会议记录（2024–2025）"
# how each kind of unit's needs come in: (channel, weight)
CHANNELS_BY_TYPE = {
    "railway": [("hotline", 4), ("grid", 4), ("other", 2)],
    "transit": [("hotline", 4), ("grid", 4), ("other", 2)],
    "government": [("hotline", 3), ("grid", 3), ("market", 1), ("other", 3)],
    "community": [("visit", 5), ("market", 3), ("grid", 2)],
    "police": [("grid", 5), ("hotline", 3), ("other", 2)],
}
CHANNELS_OTHER = [("market", 6), ("visit", 2), ("other", 2)]
# days from raised to the first dispatch, by channel (the hotline is answered fastest)
DISPATCH_DAYS = {"hotline": (0, 2), "grid": (1, 6), "market": (1, 10), "visit": (2, 14), "other": (3, 20)}
# units that joined a committee after it was founded: (committee, unit, since)
LATER_MEMBERS = [
    ("C15", "北京SKP商场", "2025-03-20"), ("C15", "红庙社区居委会", "2025-05-12"),
    ("C15", "甜水园社区居委会", "2025-09-08"), ("C16", "北京双井商会", "2025-04-16"),
    ("C21", "福州站片区快递外卖从业者联合会", "2024-06-18"), ("C21", "福州市晋安区退役军人事务局", "2024-11-05"),
    ("C21", "福建江夏学院", "2025-02-27"), ("C08", "丰台站小憩驿站服务中心", "2024-08-01"),
    ("C30", "天津站后广场商业管理有限公司", "2024-07-15"),
]
# meetings held in 2024 where it differs from the cadence (2025's count is the committees' ``meetings``)
MEETINGS_2024 = {"C06": 12, "C16": 1, "C30": 10}


def _weighted(rng: random.Random, choices: list[tuple[str, int]]) -> str:
    return rng.choices([c for c, _ in choices], [w for _, w in choices])[0]


def _meeting_months(count: int, cadence: str) -> list[int]:
    """Months of ``count`` meetings in a year of the cadence: every month, every quarter, or spread out."""
    if cadence == "monthly" and count >= 12:
        return list(range(1, 13)) + [6] * (count - 12)
    if cadence == "quarterly" and count >= 4:
        return [3, 6, 9, 12] + [12] * (count - 4)
    return sorted({round(1 + i * 11 / max(count - 1, 1)) for i in range(count)}) if count else []


def history(needs: list[dict], projects: list[dict], committees: list[dict], members: list[dict]) -> list[dict]:
    """Give the needs their dated steps, channels and ratings, move the later joiners' dates, return the meetings.

    Needs keep their status where a project decides it. Open needs of 2025 that no
    project addresses and that are not among the deliberate gaps get the history a
    busy year gives them: most are dispatched, many fulfilled, a few closed.
    """
    rng = random.Random(SEED + 13)
    by_need: dict[str, list[dict]] = {}
    for p in projects:
        for nid in filter(None, p["need_ids"].split(";")):
            by_need.setdefault(nid, []).append(p)
    deliberate = {"legal_gap", "supply_gap", "old_gap"}
    for n in needs:
        raised = dt.date.fromisoformat(n["raised"])
        channel = _weighted(rng, CHANNELS_BY_TYPE.get(UNIT[n["unit_id"]]["type"], CHANNELS_OTHER))
        n["channel"] = channel
        status = n["status"]
        cy_parking = n["category"] == "parking" and in_subtree(n["area_id"], "BJ-ST-CY")
        if status == "open" and n["_kind"] not in deliberate and not cy_parking and raised.year == 2025:
            r = rng.random()
            age = (REFERENCE_DATE - raised).days
            if age > 45 and r < 0.45:
                status = "fulfilled"
            elif age > 30 and r < 0.52:
                status = "closed"
            elif age > 10 and r < 0.75:
                status = rng.choice(["dispatched", "accepted", "accepted", "partial"])
            n["status"] = status
        if status == "open":
            continue
        low, high = DISPATCH_DAYS[channel]
        step = raised + dt.timedelta(days=rng.randint(low, high))
        served = by_need.get(n["id"], [])
        start = min((dt.date.fromisoformat(p["start"]) for p in served), default=None)
        if start is not None:
            step = min(step, max(start, raised))
        if status == "closed":
            n["closed_on"] = min(raised + dt.timedelta(days=rng.randint(20, 60)), REFERENCE_DATE).isoformat()
            if rng.random() < 0.6:
                n["rating"] = rng.choice(["dissatisfied", "basically_satisfied", "dissatisfied"])
            continue
        n["dispatched_on"] = step.isoformat()
        if status == "dispatched":
            continue
        step += dt.timedelta(days=rng.randint(0, 4))
        n["accepted_on"] = step.isoformat()
        if status != "fulfilled":
            continue
        ends = [dt.date.fromisoformat(p["end"]) for p in served if p["status"] == "completed"]
        done = min(ends) - dt.timedelta(days=rng.randint(0, 20)) if ends else step + dt.timedelta(
            days=rng.randint(7, 40))
        n["fulfilled_on"] = min(max(done, step + dt.timedelta(days=1)), REFERENCE_DATE).isoformat()
        if rng.random() < 0.85:
            n["rating"] = rng.choices(["satisfied", "basically_satisfied", "dissatisfied"], [80, 16, 4])[0]

    joined = {(c, UID[u]): since for c, u, since in LATER_MEMBERS}
    for m in members:
        m["since"] = joined.get((m["committee_id"], m["unit_id"]), m["since"])

    size = {}
    for m in members:
        size[m["committee_id"]] = size.get(m["committee_id"], 0) + 1
    per_year = {"monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1, "weekly": 52}
    meetings = []
    for c in committees:
        short_name = c["name"].replace("党建工作协调委员会", "协调委员会")
        for year, count in ((2024, MEETINGS_2024.get(c["id"], per_year[c["cadence"]])), (2025, c["meetings"])):
            for k, month in enumerate(_meeting_months(count, c["cadence"])):
                kind = "yearly" if month == 12 and k == count - 1 else (
                    "quarterly" if c["cadence"] == "monthly" and month in (3, 6, 9) else c["cadence"])
                what = {"monthly": "月度碰头会", "quarterly": "季度调度会", "yearly": "年度总结会"}.get(kind, "例会")
                day = dt.date(year, month, rng.randint(8, 26))
                meetings.append(dict(id=f"M{len(meetings) + 1:04d}", committee_id=c["id"], held_on=day.isoformat(),
                                     kind=kind, title=f"{short_name}{year}年{month}月{what}",
                                     attendees=max(2, round(size[c["id"]] * rng.uniform(0.6, 1.0)))))
    meetings.sort(key=lambda m: (m["held_on"], m["committee_id"]))
    for i, m in enumerate(meetings, 1):
        m["id"] = f"M{i:04d}"
    return meetings


ORG_TYPE_BY_UNIT = {
    "government": ("committee", (30, 150)), "railway": ("committee", (200, 800)), "transit": ("committee", (150, 600)),
    "state_enterprise": ("general_branch", (30, 120)), "private_enterprise": ("branch", (3, 25)),
    "social_org": ("branch", (3, 15)), "university": ("committee", (800, 3000)), "research_institute": ("committee", (50, 200)),
    "hospital": ("committee", (150, 900)), "school": ("general_branch", (20, 80)), "police": ("committee", (60, 300)),
    "military": ("branch", (8, 30)), "community": ("committee", (40, 200)),
}


def build_party_orgs(rng: random.Random) -> list[dict]:
    rows: list[dict] = []
    org_of: dict[str, str] = {}

    def add(name, uid, type_, parent, members):
        pid = f"PO{len(rows) + 1:03d}"
        rows.append(dict(id=pid, name=name, unit_id=uid, type=type_, parent_id=parent, members=members,
                         secretary="", phone=""))
        return pid

    suffix = {"committee": "党委", "general_branch": "党总支", "branch": "党支部", "joint_branch": "联合党支部"}
    # parents first: bodies other units' organizations report to
    parents_first = ["北京市重点站区管理委员会", BROKER, "北京市地铁运营有限公司", "北京公共交通控股（集团）有限公司",
                     "北京市朝阳区安贞街道办事处", "北京市朝阳区八里庄街道办事处", "北京市朝阳区双井街道办事处",
                     "北京市朝阳区东风乡人民政府", "北京市朝阳区朝外街道办事处", "北京市朝阳区东坝地区办事处",
                     "东城区建国门街道办事处", "西城区展览路街道办事处", "海淀区清河街道办事处", "丰台区丰台街道办事处",
                     "晋安区茶园街道党工委", "天津站地区管理办公室"]
    order = [UID[n] for n in parents_first] + [u["id"] for u in UNITS if u["name"] not in parents_first]
    street_parent = {
        "BJ-CY-AZ": "北京市朝阳区安贞街道办事处", "BJ-CY-BLZ": "北京市朝阳区八里庄街道办事处",
        "BJ-CY-SJ": "北京市朝阳区双井街道办事处", "BJ-CY-DF": "北京市朝阳区东风乡人民政府",
        "BJ-CY-CW": "北京市朝阳区朝外街道办事处", "BJ-CY-DB": "北京市朝阳区东坝地区办事处",
        "BJ-DC-JGM": "东城区建国门街道办事处", "BJ-XC-ZLL": "西城区展览路街道办事处", "BJ-HD-QH": "海淀区清河街道办事处",
        "BJ-FT-FTJ": "丰台区丰台街道办事处", "FZ-JA-CY": "晋安区茶园街道党工委", "TJ-HD-DWZ": "天津站地区管理办公室",
    }
    for uid in order:
        u = UNIT[uid]
        type_, (a, b) = ORG_TYPE_BY_UNIT[u["type"]]
        parent = ""
        name = u["name"]
        if name.endswith("地区管理办公室") and u["region"] == "BJ":
            type_, (a, b), parent = "general_branch", (15, 45), org_of[UID["北京市重点站区管理委员会"]]
        elif name.startswith("国铁"):
            parent = org_of[UID[BROKER]]
        elif u["type"] == "community":
            street = next((s for s in street_parent if in_subtree(u["area_id"], s)), None)
            if street:
                parent = org_of[UID[street_parent[street]]]
        elif name.endswith("党工委"):
            type_ = "committee"
        pname = name if name.endswith(("党工委",)) else f"{short(name)}{suffix[type_]}"
        org_of[uid] = add(pname, uid, type_, parent, rng.randint(a, b))

    # station-level branches of the metro and bus companies
    for st in ["朝阳站", "北京南站", "北京西站", "丰台站"]:
        add(f"北京市地铁运营有限公司{st}站区党支部", UID["北京市地铁运营有限公司"], "branch",
            org_of[UID["北京市地铁运营有限公司"]], rng.randint(12, 40))
    for st in ["朝阳站", "北京站", "清河站"]:
        add(f"北京公交集团{st}枢纽场站党支部", UID["北京公共交通控股（集团）有限公司"], "branch",
            org_of[UID["北京公共交通控股（集团）有限公司"]], rng.randint(8, 30))
    # joint branches of alliances
    az = org_of[UID["北京市朝阳区安贞街道办事处"]]
    for cname, lead in [("安贞医疗健康联盟联合党支部", "首都医科大学附属北京安贞医院"),
                        ("安贞教育文化联盟联合党支部", "安贞街道文化活动中心"),
                        ("安贞商务楼宇联盟联合党支部", "安贞商务楼宇服务中心")]:
        add(cname, UID[lead], "joint_branch", az, rng.randint(10, 40))
    add("双井街道经济发展专委会非公企业联合党支部", UID["北京市朝阳区双井街道办事处"], "joint_branch",
        org_of[UID["北京市朝阳区双井街道办事处"]], rng.randint(15, 45))
    add("八闽第一站综合治理与服务中心党支部", UID["晋安区茶园街道党工委"], "joint_branch",
        org_of[UID["晋安区茶园街道党工委"]], 23)
    add("天津站公共交通服务联盟联合党支部", UID["天津站地区管理办公室"], "joint_branch",
        org_of[UID["天津站地区管理办公室"]], 19)
    for i, r in enumerate(rows):
        if i % 11 == 4:
            r["secretary"] = ["王书记", "李书记", "张书记", "刘书记"][i % 4]
            r["phone"] = fictional_phone(UNIT[r["unit_id"]]["region"], 3000 + i)
    return rows


COLUMNS = {
    "areas": ["id", "name", "level", "parent_id"],
    "committees": ["id", "name", "level", "area_id", "parent_id", "cadence", "meetings"],
    "units": ["id", "name", "type", "sector", "area_id", "contact", "phone"],
    "party_orgs": ["id", "name", "unit_id", "type", "parent_id", "members", "secretary", "phone"],
    "memberships": ["unit_id", "committee_id", "role", "since"],
    "agreements": ["unit_a", "unit_b", "kind", "signed"],
    "needs": ["id", "title", "category", "unit_id", "description", "area_id", "raised", "urgency", "quantity",
              "status", "channel", "dispatched_on", "accepted_on", "fulfilled_on", "closed_on", "rating", "contact",
              "phone"],
    "resources": ["id", "title", "category", "unit_id", "description", "area_id", "capacity", "available_until",
                  "contact", "phone"],
    "projects": ["id", "title", "category", "lead_unit_id", "status", "start", "end", "need_ids"],
    "participations": ["project_id", "unit_id", "role"],
    "meetings": ["id", "committee_id", "held_on", "kind", "title", "attendees"],
    "meta": ["as_of", "title", "source", "description"],
}


def write(tables: dict[str, list[dict]], out: Path) -> None:
    for name, cols in COLUMNS.items():
        with open(out / f"{name}.csv", "w", encoding="utf-8", newline="") as fh:
            w = csv.DictWriter(fh, fieldnames=cols, lineterminator="\n")
            w.writeheader()
            for row in tables[name]:
                w.writerow({c: row.get(c, "") for c in cols})


# ---------------------------------------------------------------------------
# The deliberate gaps, computed from the tables (also written into README.md)
# ---------------------------------------------------------------------------
def gaps(t: dict[str, list[dict]]) -> dict:
    active_units = ({r["unit_id"] for r in t["needs"]} | {r["unit_id"] for r in t["resources"]}
                    | {r["unit_id"] for r in t["participations"]} | {r["lead_unit_id"] for r in t["projects"]}
                    | {r["unit_a"] for r in t["agreements"]} | {r["unit_b"] for r in t["agreements"]})
    members = {}
    for m in t["memberships"]:
        members.setdefault(m["unit_id"], []).append(m["committee_id"])
    paper = sorted(u for u in members if u not in active_units)
    addressed = {nid for p in t["projects"] for nid in p["need_ids"].split(";") if nid}
    resource_cats = {r["category"] for r in t["resources"]}
    unsupplied = sorted({n["category"] for n in t["needs"]} - resource_cats)
    cy_park_needs = [n["id"] for n in t["needs"] if n["category"] == "parking" and in_subtree(n["area_id"], "BJ-ST-CY")]
    cy_park_res = [r["id"] for r in t["resources"] if r["category"] == "parking" and in_subtree(r["area_id"], "BJ-ST-CY")]
    year_ago = REFERENCE_DATE - dt.timedelta(days=365)
    old = [n["id"] for n in t["needs"] if n["id"] not in addressed and n["status"] == "open"
           and dt.date.fromisoformat(n["raised"]) < year_ago]
    project_units = {r["unit_id"] for r in t["participations"]} | {r["lead_unit_id"] for r in t["projects"]}
    committees_without_projects = sorted(c for c in {m["committee_id"] for m in t["memberships"]}
                                         if not any(c in members[u] and u in project_units for u in members))
    return dict(paper=paper, unsupplied=unsupplied, cy_park_needs=cy_park_needs, cy_park_res=cy_park_res,
                old=old, committees_without_projects=committees_without_projects)


def readme(t: dict[str, list[dict]]) -> str:
    g = gaps(t)
    name = {u["id"]: u["name"] for u in t["units"]}
    cname = {c["id"]: c["name"] for c in t["committees"]}
    need = {n["id"]: n for n in t["needs"]}
    legal = [n["id"] for n in t["needs"] if n["category"] == "legal"]
    mc_res = ", ".join(f"`{r['id']}`" for r in t["resources"] if r["category"] == "maternal_child")
    mc_bj = ", ".join(f"`{n['id']}`" for n in t["needs"] if n["category"] == "maternal_child" and n["area_id"].startswith("BJ"))
    lines = [
        "# graphgov sample dataset",
        "",
        "A fictional but realistic dataset in graphgov's standard format (one UTF-8 CSV per table, English column",
        "names and enumeration codes, dates as YYYY-MM-DD, `projects.need_ids` separated by `;`). It models three",
        "coordination networks described in public reports:",
        "",
        "- **Beijing**: the key station areas committee (city level) with the 7 station-area committees below it",
        "  (北京站, 北京南站, 北京西站, 北京北站, 清河站, 朝阳站, 丰台站; 7 large grids and 54 small grids), the",
        "  Chaoyang station-area committee of 2022 with its 16 member units, its three lists with Chaoyang district",
        "  bureaus and think-tank agreements with 7 universities, and Chaoyang's district committee with street",
        "  committees and alliances (安贞, 八里庄, 双井).",
        "- **Fuzhou**: the railway station alliance 八闽第一站 (40+ member units) under the Jin'an district committee.",
        "- **Tianjin**: the metro station's public-transport service alliance and its co-building partners.",
        "",
        "Organization names follow the sources where they give them; titles, descriptions and all figures of single",
        "rows are invented. Contacts and phone numbers (`units.contact`, `units.phone`, `needs.contact`,",
        "`needs.phone`, `party_orgs.secretary`, `party_orgs.phone`) are obviously fictional (张老师, 010-0000xxxx).",
        "",
        "The files are generated by `build_sample.py` (deterministic; `python data/sample/build_sample.py` rewrites",
        "them byte for byte, `--check` also verifies references and the gaps below). Edit the script, not the CSVs.",
        "",
        "## Sizes",
        "",
        "| table | rows |",
        "|---|---|",
    ]
    lines += [f"| {k} | {len(v)} |" for k, v in t.items()]
    lines += [
        "",
        "Agreement kinds: `co_building` (共建协议 / three lists), `think_tank` (党建+智库), `strategic` (战略合作).",
        "Membership roles and participation roles are free Chinese text (主任单位, 副主任单位, 成员单位; 牵头, 参与).",
        "",
        f"## Deliberate gaps (stated for the reference date {REFERENCE_DATE.isoformat()})",
        "",
        "The analyses should find these; tests may rely on them.",
        "",
        "**(a) Paper members**: committee members with no project, no agreement, no need and no resource:",
        "",
    ]
    lines += [f"- `{u}` {name[u]}" for u in g["paper"]]
    lines += [
        "",
        "**(b) Supply gaps**:",
        "",
        f"- Category `legal` (法律服务) has {len(legal)} needs and no resource anywhere: "
        + ", ".join(f"`{i}`" for i in legal) + ". (Both 司法局 units are among the paper members.)",
        f"- Category `parking` in the 朝阳站地区 station area (`BJ-ST-CY` and its grids): {len(g['cy_park_needs'])} needs "
        f"({', '.join(f'`{i}`' for i in g['cy_park_needs'])}) against {len(g['cy_park_res'])} resource "
        f"({', '.join(f'`{i}`' for i in g['cy_park_res'])}, 20 spaces).",
        f"- Category `maternal_child` (母婴服务): the only resource is in Fuzhou ({mc_res}, 福建孩子王); Beijing's",
        f"  maternal-child needs ({mc_bj}) have no supplier in Beijing and no project.",
        "",
        "**(c) Old needs nobody addresses**: open needs raised more than a year before the reference date that no",
        "project lists in `need_ids` (every other need raised before 2025 is addressed by a project):",
        "",
    ]
    lines += [f"- `{i}` {need[i]['raised']} {need[i]['title']}" for i in g["old"]]
    lines += [
        "",
        "  With the real current date instead of the reference date, needs raised in 2025 that are still open also",
        "  become older than a year.",
        "",
        f"**(d) Single broker**: `{UID[BROKER]}` {BROKER} (国铁北京局) is the only tie between the Tianjin alliance",
        "(`C30`, its partners and projects) and the Beijing network: it sits on both `C01` and `C30`, and leads the",
        "one project that joins them. Removing it splits the graph; it is an articulation point of the unit graph",
        "projected from memberships, agreements, projects and needs. (Fuzhou is a separate component throughout.)",
        "",
        "**(e) Committee problems**:",
        "",
    ]
    lines += [f"- `{c}` {cname[c]}: no member unit leads or takes part in any project." for c in g["committees_without_projects"]]
    lines += [
        f"- `{LOW_MEETINGS_COMMITTEE}` {cname[LOW_MEETINGS_COMMITTEE]}: cadence `monthly` but only 3 meetings in the",
        "  last year (every other committee met at least as often as its cadence asks).",
        "",
    ]
    lines += history_readme(t, cname, name)
    return "\n".join(lines)


def history_readme(t: dict[str, list[dict]], cname: dict, name: dict) -> list[str]:
    """The README's section on the dataset's date and its history, counted from the tables."""
    years = sorted({n["raised"][:4] for n in t["needs"]})
    per = {y: {"raised": 0, "dispatched_on": 0, "fulfilled_on": 0, "closed_on": 0} for y in years}
    for n in t["needs"]:
        for col in per[years[0]]:
            if n.get(col) and n[col][:4] in per:
                per[n[col][:4]][col] += 1
    channels: dict[str, int] = {}
    for n in t["needs"]:
        channels[n["channel"]] = channels.get(n["channel"], 0) + 1
    rated: dict[str, int] = {}
    for n in t["needs"]:
        if n.get("rating"):
            rated[n["rating"]] = rated.get(n["rating"], 0) + 1
    meetings = {y: sum(m["held_on"].startswith(y) for m in t["meetings"]) for y in ("2024", "2025")}
    lines = [
        "## The dataset's date and its history",
        "",
        f"`meta.csv` states the date the lists describe, {REFERENCE_DATE.isoformat()}: every date-dependent command",
        "answers for it unless `--as-of` says otherwise, so the demo, the committed map and report and the README",
        "examples give the same answers on any day.",
        "",
        "Each need carries the channel it came in through (`channel`), the dates of the steps it reached",
        "(`dispatched_on`, `accepted_on`, `fulfilled_on`, `closed_on`) and, for most fulfilled needs and some closed",
        "ones, the raising unit's `rating`. Where a project serves a need, its status and dates follow the project;",
        "open 2025 needs outside the deliberate gaps were worked on as a busy year would (dispatched, fulfilled,",
        "a few closed). Counted by the year the step happened:",
        "",
        "| year | raised | first dispatched | fulfilled | closed |",
        "|---|---|---|---|---|",
    ]
    lines += [f"| {y} | {v['raised']} | {v['dispatched_on']} | {v['fulfilled_on']} | {v['closed_on']} |"
              for y, v in per.items()]
    lines += [
        "",
        "Channels: " + ", ".join(f"`{c}` {k}" for c, k in sorted(channels.items())) + ". Ratings: "
        + ", ".join(f"`{r}` {k}" for r, k in sorted(rated.items())) + ".",
        "",
        f"`meetings.csv` lists {len(t['meetings'])} meetings: {meetings['2024']} in 2024 and {meetings['2025']} in 2025",
        "(2025's count per committee is `committees.meetings`). "
        + "; ".join(f"`{c}` held {n} in 2024" for c, n in MEETINGS_2024.items()) + ",",
        f"so `{LOW_MEETINGS_COMMITTEE}` went quiet in 2025 while `C16` and `C30` met as their cadence asks again.",
        "Members who joined later: " + "; ".join(f"{u} → `{c}` {s}" for c, u, s in LATER_MEMBERS) + ".",
        "Four agreements were signed in 2025. `graphgov trends` counts the indicators per period and",
        "`graphgov compare --from-date 2024-12-31 --to-date 2025-12-31` shows what changed (docs/trends.md).",
        "",
    ]
    return lines


def check(out: Path) -> None:
    """Verify references, sizes, uniqueness, acyclic hierarchies and the gaps, from the written CSVs."""
    import networkx as nx
    import pandas as pd

    t = {n: pd.read_csv(out / f"{n}.csv", dtype=str, keep_default_na=False) for n in COLUMNS}
    ids = {n: set(t[n]["id"]) for n in ("areas", "committees", "units", "party_orgs", "needs", "resources", "projects")}
    for n in ids:
        assert t[n]["id"].is_unique, n
    refs = [("areas", "parent_id", "areas"), ("committees", "area_id", "areas"), ("committees", "parent_id", "committees"),
            ("units", "area_id", "areas"), ("party_orgs", "unit_id", "units"), ("party_orgs", "parent_id", "party_orgs"),
            ("memberships", "unit_id", "units"), ("memberships", "committee_id", "committees"),
            ("agreements", "unit_a", "units"), ("agreements", "unit_b", "units"), ("needs", "unit_id", "units"),
            ("needs", "area_id", "areas"), ("resources", "unit_id", "units"), ("resources", "area_id", "areas"),
            ("projects", "lead_unit_id", "units"), ("participations", "project_id", "projects"),
            ("participations", "unit_id", "units"), ("meetings", "committee_id", "committees")]
    for table_, col, target in refs:
        bad = set(v for v in t[table_][col] if v) - ids[target]
        assert not bad, (table_, col, bad)
    bad = {x for v in t["projects"]["need_ids"] for x in v.split(";") if x} - ids["needs"]
    assert not bad, bad
    for n in ("areas", "committees", "party_orgs"):
        g = nx.DiGraph([(a, b) for a, b in zip(t[n]["id"], t[n]["parent_id"]) if b])
        assert nx.is_directed_acyclic_graph(g), n
    assert not (t["agreements"]["unit_a"] == t["agreements"]["unit_b"]).any()
    assert not t["memberships"].duplicated(["unit_id", "committee_id"]).any()
    assert not t["participations"].duplicated(["project_id", "unit_id"]).any()
    assert not t["agreements"].duplicated(["unit_a", "unit_b", "kind"]).any()
    sizes = {n: len(t[n]) for n in COLUMNS}
    assert 150 <= sizes["units"] <= 300 and sizes["needs"] >= 200 and sizes["resources"] >= 150
    assert sizes["projects"] >= 100, sizes
    per_project = t["participations"].groupby("project_id").size()
    assert per_project.between(1, 5).all() and len(per_project) == sizes["projects"]
    from importlib import util as _u
    if _u.find_spec("graphgov"):
        from graphgov.dataset.vocab import CATEGORIES, VOCABULARIES
        for table_, col, vocab in [("areas", "level", "area_level"), ("committees", "level", "committee_level"),
                                   ("committees", "cadence", "cadence"), ("units", "type", "unit_type"),
                                   ("party_orgs", "type", "party_org_type"), ("needs", "urgency", "urgency"),
                                   ("needs", "status", "need_status"), ("projects", "status", "project_status")]:
            assert set(t[table_][col]) - {""} <= set(VOCABULARIES[vocab]), (table_, col)
        for table_ in ("needs", "resources", "projects"):
            assert set(t[table_]["category"]) <= set(CATEGORIES), table_

    # the single broker: an articulation point separating Tianjin from Beijing in the unit graph
    g = nx.Graph()
    g.add_nodes_from(t["units"]["id"])
    for c, grp in t["memberships"].groupby("committee_id"):
        us = list(grp["unit_id"])
        g.add_edges_from((us[0], x) for x in us[1:])
        g.add_edges_from((f"C:{c}", x) for x in us)
    for c in t["committees"].itertuples():
        if c.parent_id:
            g.add_edge(f"C:{c.id}", f"C:{c.parent_id}")
    g.add_edges_from(zip(t["agreements"]["unit_a"], t["agreements"]["unit_b"]))
    g.add_edges_from(zip(t["participations"]["unit_id"], "P:" + t["participations"]["project_id"]))
    for p in t["projects"].itertuples():
        g.add_edges_from((f"P:{p.id}", f"N:{x}") for x in p.need_ids.split(";") if x)
    g.add_edges_from(zip(t["needs"]["unit_id"], "N:" + t["needs"]["id"]))
    po_unit = dict(zip(t["party_orgs"]["id"], t["party_orgs"]["unit_id"]))
    g.add_edges_from((po_unit[a], po_unit[b]) for a, b in zip(t["party_orgs"]["id"], t["party_orgs"]["parent_id"]) if b)
    region = {u["id"]: u["region"] for u in UNITS}
    comps = list(nx.connected_components(g))
    print("components:", sorted(({region.get(x, "?") for x in c if x in region}, len(c)) for c in comps)[:5])
    broker = UID[BROKER]
    h = g.copy()
    h.remove_node(broker)
    tj = UID["天津站地区管理办公室"]
    bj = UID["北京市重点站区管理委员会"]
    assert nx.has_path(g, tj, bj) and not nx.has_path(h, tj, bj), "broker gap broken"
    gp = gaps({n: t[n].to_dict("records") for n in COLUMNS})
    assert gp["unsupplied"] == ["legal"], gp["unsupplied"]
    assert gp["committees_without_projects"] == [NO_PROJECT_COMMITTEE], gp
    expected = {"weekly": 52, "monthly": 12, "quarterly": 4, "half_yearly": 2, "yearly": 1}
    low = [c.id for c in t["committees"].itertuples() if int(c.meetings) < expected[c.cadence]]
    assert low == [LOW_MEETINGS_COMMITTEE], low
    # the history: steps in order, never after the reference date; 2025's meetings are the committees' counts
    n = t["needs"]
    for a, b in (("raised", "dispatched_on"), ("dispatched_on", "accepted_on"), ("accepted_on", "fulfilled_on"),
                 ("raised", "closed_on"), ("raised", "fulfilled_on")):
        both = n[(n[a] != "") & (n[b] != "")]
        assert (both[a] <= both[b]).all(), (a, b)
        assert (n[b] <= REFERENCE_DATE.isoformat()).all(), b
    held = t["meetings"][t["meetings"]["held_on"].str.startswith("2025")].groupby("committee_id").size()
    assert held.reindex(t["committees"]["id"], fill_value=0).tolist() == t["committees"]["meetings"].astype(int).tolist()
    print("sizes:", sizes)
    print("gaps:", gp)
    top = t["participations"]["unit_id"].value_counts().head(6)
    print("hub units:", {UNIT[k]["name"]: int(v) for k, v in top.items()})
    print("need status:", t["needs"]["status"].value_counts().to_dict())
    print("project status:", t["projects"]["status"].value_counts().to_dict())


def main(argv: list[str]) -> None:
    tables = build()
    write(tables, HERE)
    (HERE / "README.md").write_text(readme(tables), encoding="utf-8")
    if "--check" in argv:
        check(HERE)


if __name__ == "__main__":
    main(sys.argv[1:])
