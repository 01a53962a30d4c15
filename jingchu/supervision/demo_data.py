"""What the supervision demo is made of: Wuhan's market-regulation and environment items,
inspectors, enterprises, credit events and three inspection rounds."""

from __future__ import annotations

from decimal import Decimal

from jingchu.supervision.choices import Grade, Industry, InspectionMethod, Outcome

# code, department key, name, legal basis, method, key item, industries
ITEMS = [
    ("SJ-SC-001", "wh-scjg", "食品经营者经营条件及许可事项检查",
     "《中华人民共和国食品安全法》第一百一十条", InspectionMethod.ON_SITE, False,
     [Industry.FOOD, Industry.CATERING]),
    ("SJ-SC-002", "wh-scjg", "企业公示信息检查", "《企业信息公示暂行条例》第十四条",
     InspectionMethod.DOCUMENTS, False, []),
    ("SJ-SC-003", "wh-scjg", "特种设备使用单位安全检查",
     "《中华人民共和国特种设备安全法》第五十七条", InspectionMethod.ON_SITE, True,
     [Industry.MANUFACTURING, Industry.RETAIL, Industry.CATERING]),
    ("SJ-SC-004", "wh-scjg", "产品质量监督抽查", "《中华人民共和国产品质量法》第十五条",
     InspectionMethod.SAMPLING, False, [Industry.MANUFACTURING, Industry.RETAIL]),
    ("SJ-SC-005", "wh-scjg", "价格行为检查", "《中华人民共和国价格法》第三十四条",
     InspectionMethod.ON_SITE, False, [Industry.RETAIL, Industry.CATERING, Industry.SERVICES]),
    ("SJ-SC-006", "wh-scjg", "广告发布行为检查", "《中华人民共和国广告法》第四十九条",
     InspectionMethod.ONLINE, False, []),
    ("SJ-SC-007", "wh-scjg", "药品零售企业经营行为检查",
     "《中华人民共和国药品管理法》第九十九条", InspectionMethod.ON_SITE, True,
     [Industry.HEALTH]),
    ("SJ-HJ-001", "wh-sthjj", "排污单位排污许可证执行情况检查", "《排污许可管理条例》第二十六条",
     InspectionMethod.ON_SITE, True, [Industry.ENVIRONMENT, Industry.MANUFACTURING]),
    ("SJ-HJ-002", "wh-sthjj", "危险废物规范化环境管理检查",
     "《中华人民共和国固体废物污染环境防治法》第一百一十条", InspectionMethod.ON_SITE, False,
     [Industry.ENVIRONMENT, Industry.MANUFACTURING, Industry.HEALTH]),
]

# grade, factor, cap percent (None: no upper limit): more inspections for poorer credit.
SAMPLING = [(Grade.A, Decimal("0.5"), Decimal("3")), (Grade.B, Decimal("1"), Decimal("5")),
            (Grade.C, Decimal("2"), Decimal("20")), (Grade.D, Decimal("4"), None)]

# username, name, department key, certificate number (existing persona first)
INSPECTORS = [
    ("inspector_wh", "吴检", "wh-scjg", "42010020190001"),
    ("sc_inspector_2", "邓守法", "wh-scjg", "42010020190002"),
    ("sc_inspector_3", "彭明察", "wh-scjg", "42010020190003"),
    ("sc_inspector_4", "曾公正", "wh-scjg", "42010020200004"),
    ("sc_inspector_5", "谢严谨", "wh-scjg", "42010020200005"),
    ("sc_inspector_6", "韩廉洁", "wh-scjg", "42010020210006"),
    ("sc_inspector_7", "唐秉公", "wh-scjg", "42010020210007"),
    ("sc_inspector_8", "冯执中", "wh-scjg", "42010020220008"),
    ("hj_inspector_1", "叶青山", "wh-sthjj", "42010030200001"),
    ("hj_inspector_2", "江绿水", "wh-sthjj", "42010030210002"),
    ("hj_inspector_3", "柳蓝天", "wh-sthjj", "42010030220003"),
]

# county code, district name
DISTRICTS = [("420102", "江岸区"), ("420103", "江汉区"), ("420104", "硚口区"),
             ("420106", "武昌区"), ("420111", "洪山区")]
TRADE_NAMES = [
    "鑫源", "楚天", "汉味", "江城", "长江", "黄鹤", "晴川", "东湖", "珞珈", "汉正",
    "三镇", "知音", "龟山", "琴台", "汉阳", "光谷", "南湖", "沙湖", "后湖", "青山",
    "月湖", "白沙", "鹦鹉", "古琴", "荆楚", "云梦", "江夏", "汤逊", "木兰", "九真",
]
# industry → (business word, name suffix)
INDUSTRY_NAMES = {
    Industry.FOOD: ("食品", "商贸有限公司"), Industry.CATERING: ("餐饮", "管理有限公司"),
    Industry.RETAIL: ("百货", "超市有限公司"), Industry.MANUFACTURING: ("机械", "制造有限公司"),
    Industry.HEALTH: ("大药房", "连锁有限公司"), Industry.ENVIRONMENT: ("表面处理", "科技有限公司"),
    Industry.SERVICES: ("文化", "传媒有限公司"), Industry.CONSTRUCTION: ("建筑", "工程有限公司"),
}
ENTITY_INDUSTRIES = [Industry.FOOD, Industry.CATERING, Industry.RETAIL, Industry.CATERING,
                     Industry.MANUFACTURING, Industry.HEALTH, Industry.FOOD, Industry.ENVIRONMENT,
                     Industry.SERVICES, Industry.RETAIL]
ENTITY_COUNT = 120

# Credit events: (entity index, kind, reference, summary, days ago, ended days ago or None)
CREDIT_EVENTS = [
    (3, "penalty", "武市监罚〔2026〕118号", "销售超过保质期的食品，没收违法所得并罚款", 60, None),
    (3, "penalty", "武市监罚〔2026〕131号", "未按规定进行食品进货查验记录，罚款", 40, None),
    (3, "abnormal", "武市监异〔2026〕021号", "未按规定报送2025年度年报", 120, None),
    (17, "penalty", "武市监罚〔2026〕097号", "发布虚假广告，责令停止发布并罚款", 90, None),
    (17, "abnormal", "武市监异〔2026〕034号", "通过登记的住所无法联系", 30, None),
    (29, "abnormal", "武市监异〔2025〕211号", "未按规定公示即时信息", 300, 200),
    (41, "penalty", "武市监罚〔2026〕152号", "价格欺诈，罚款", 20, None),
    (41, "penalty", "武市监罚〔2026〕160号", "未明码标价，警告", 12, None),
    (41, "penalty", "武市监罚〔2026〕171号", "使用未经检验的特种设备，罚款", 8, None),
    (41, "abnormal", "武市监异〔2026〕052号", "提交虚假材料取得登记", 15, None),
    (58, "penalty", "武环罚〔2026〕033号", "超标排放水污染物，罚款", 70, None),
    (77, "abnormal", "武市监异〔2026〕061号", "未按规定报送年报", 50, None),
]
# Complaints to 12345 about entities: (entity index, kind, title, content)
COMPLAINTS = [
    (3, "complaint", "超市出售过期酸奶", "在该公司门店购买的酸奶已过保质期三天，要求退货并查处。"),
    (3, "report", "举报餐馆后厨卫生脏乱", "后厨老鼠出没，食材露天堆放，请市场监管部门检查。"),
    (17, "complaint", "预付卡商家关门跑路", "办理的会员卡还有余额，店铺突然关门联系不上。"),
    (41, "complaint", "药店价格标示不一致", "标签价格与结账价格不符，多收了钱。"),
]

# Rounds: (name, department keys (lead first), item codes, district codes, industries,
#          ratio, days ago the period starts, length in days, stage)
# stage: "published" (everything done), "drawn" (results partly recorded), "draft"
ROUNDS = [
    ("2026年第三季度食品经营双随机抽查", ["wh-scjg"], ["SJ-SC-001", "SJ-SC-002"],
     ["420102", "420103", "420106"], [Industry.FOOD, Industry.CATERING], Decimal("10"), 120,
     45, "published"),
    ("2026年第四季度市场监管与生态环境部门联合抽查", ["wh-scjg", "wh-sthjj"],
     ["SJ-SC-003", "SJ-HJ-001", "SJ-HJ-002"], ["420104", "420111"],
     [Industry.MANUFACTURING, Industry.ENVIRONMENT], Decimal("15"), 35, 40, "drawn"),
    ("2026年第四季度药品零售和价格行为抽查", ["wh-scjg"], ["SJ-SC-005", "SJ-SC-007"],
     ["420102", "420103", "420104", "420106", "420111"], [Industry.HEALTH, Industry.RETAIL],
     Decimal("8"), -3, 30, "draft"),
]
# Outcomes handed out in order to a published round's inspections.
OUTCOMES = [Outcome.PASSED, Outcome.PASSED, Outcome.RECTIFY, Outcome.PASSED, Outcome.NO_ACTIVITY,
            Outcome.PASSED, Outcome.CASE_FILED, Outcome.PASSED, Outcome.NOT_REACHABLE]
FINDINGS: dict[str, str] = {
    Outcome.PASSED: "现场检查未发现问题，经营资质、进货查验记录齐全。",
    Outcome.RECTIFY: "部分食品未按要求分区存放，进货查验记录不完整，已责令限期整改。",
    Outcome.CASE_FILED: "发现销售过期食品，涉嫌违反《食品安全法》第三十四条，已移交立案查处。",
    Outcome.NOT_REACHABLE: "通过登记的住所（经营场所）无法联系，拟列入经营异常名录。",
    Outcome.NO_ACTIVITY: "未发现开展本次抽查涉及的经营活动。",
}
