"""What the hotline's demo files: knowledge articles and tickets (Wuhan, the last 30 days).

Each ticket names the state the loader brings it to through the actions (see demo.py):
received, dispatched, handling, returned, redispatched (returned and sent on to the right
department), replied, closed (rated satisfied / basically / unsatisfied and closed by the
operator, or unreachable on the call-back), late (replied after the deadline), reopened,
answered (即时办结 from the knowledge base), merged (into the ticket titled in `into`),
overdue_sign, overdue_reply (supervised). Titles are unique: they make the loader idempotent.
"""
# ruff: noqa: E501  (one record a line reads better than wrapped Chinese text)

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class DemoArticle:
    title: str
    answer: str
    keywords: str
    category: str
    item: str = ""  # a service item code of data/demo/service_items.json
    policy: str = ""


@dataclass(frozen=True)
class DemoTicket:
    state: str
    days_ago: int
    hours: int  # further hours before now: the ticket came in days_ago days + hours ago
    kind: str
    category: str
    caller: str  # a demo citizen's username (filed online), or "" (a phone call)
    address: str
    title: str
    content: str
    rating: str = ""  # satisfied | basically | unsatisfied, for the closed ones
    into: str = ""  # the title of the ticket a merged one duplicates
    answer: str = ""  # the title of the article an answered consultation is answered from


ARTICLES = [
    DemoArticle("个体工商户怎么办营业执照？", "个体工商户设立登记可在湖北政务服务网或市民之家市场监管窗口办理，提交经营者身份证明、经营场所使用证明和登记申请书，材料齐全的当场办结，不收费。", "个体户 营业执照 开店 办照", "market-registration", "000172001000", "《促进个体工商户发展条例》"),
    DemoArticle("开办企业需要跑几次？", "企业开办实行“一件事一次办”：设立登记、公章刻制、发票申领和社保登记一次申请，全程网办，一般3个工作日内办结，公章免费刻制。", "企业开办 公司注册 刻章 发票", "market-registration", "000172002000"),
    DemoArticle("开餐馆要办食品经营许可吗？", "从事餐饮服务应当取得食品经营许可。可网上申请，法定时限10个工作日，承诺时限更短；需提交经营场所平面图、食品安全管理制度等材料。", "餐馆 饭店 食品经营许可证 餐饮", "market-food", "000172003000", "《中华人民共和国食品安全法》第三十五条"),
    DemoArticle("居住证怎么申领？", "在武汉居住半年以上，有合法稳定就业、住所或连续就读之一的，可向居住地派出所申领居住证，15个工作日内办结。", "居住证 暂住 外地户口", "household-id", "000105001000", "《居住证暂行条例》"),
    DemoArticle("新生儿怎么上户口？", "持出生医学证明、父母户口簿和身份证、结婚证到父或母户籍地派出所办理出生登记，也可通过“出生一件事”线上办理。", "新生儿 上户口 出生登记 落户", "household-id", "000105002000"),
    DemoArticle("身份证到期了怎么换？", "居民身份证有效期满前三个月内可到任一户籍窗口换领，在省内可异地办理，工本费20元，60日内制证。", "身份证 换证 到期 补办", "household-id", "000105003000"),
    DemoArticle("无犯罪记录证明在哪里开？", "可通过“鄂汇办”或派出所窗口申请无犯罪记录证明，3个工作日内出具，不收费。", "无犯罪记录证明 开证明", "household-id", "000105004000"),
    DemoArticle("社保卡怎么申领？", "首次申领社会保障卡可通过“鄂汇办”、合作银行网点或人社窗口办理，即时制卡网点可当场领取。", "社保卡 社会保障卡 办卡", "labour-insurance", "000113001000"),
    DemoArticle("失业保险金怎么领？", "非因本人意愿中断就业、参保满一年并已办理失业登记的，可网上申领失业保险金，10个工作日内审核发放。", "失业金 失业保险 领取", "labour-employment", "000113003000", "《失业保险条例》第十四条"),
    DemoArticle("单位拖欠工资怎么办？", "可向用人单位所在地劳动保障监察机构投诉，或拨打12345反映；也可申请劳动人事争议仲裁。请保留劳动合同、考勤、工资条等证据。", "欠薪 拖欠工资 讨薪 工资", "labour-wages", "", "《保障农民工工资支付条例》"),
    DemoArticle("异地就医怎么备案？", "参保人可通过国家医保服务平台App、“鄂汇办”或医保窗口办理异地就医备案，即时办结。", "异地就医 医保备案 外地看病", "medical-insurance", "000148002000"),
    DemoArticle("门诊慢特病怎么认定？", "在定点医疗机构提交病历和检查报告申请门诊慢特病待遇认定，20个工作日内完成。", "慢性病 门诊慢特病 医保报销", "medical-insurance", "000148003000"),
    DemoArticle("公积金租房提取怎么办？", "在武汉无自有住房且租房自住的，可每年通过公积金App提取，按规定额度到账，3个工作日内办结。", "公积金 租房提取 提取", "housing-fund", "000161002000"),
    DemoArticle("买房提取公积金要什么材料？", "购买自住住房的，凭购房合同、付款凭证和不动产权证明申请提取，3个工作日内办结。", "公积金 购房提取 买房", "housing-fund", "000161001000"),
    DemoArticle("不动产登记资料怎么查？", "权利人可持身份证到不动产登记窗口或通过网上平台查询本人不动产登记资料，5个工作日内答复，多数可即时出具。", "房产证 查档 不动产查询", "real-estate", "000110001000"),
    DemoArticle("个人所得税纳税记录怎么开？", "登录个人所得税App或到办税服务厅即可开具个人所得税纳税记录，即时办结，不收费。", "个税 纳税证明 完税证明", "tax", "000136002000"),
    DemoArticle("教师资格认定什么时候申请？", "教师资格认定每年春季和秋季各开放一次网上申报，具体时间以教育部门公告为准，30个工作日内完成认定。", "教师资格证 认定 教资", "education", "000103001000"),
    DemoArticle("孩子上小学怎么登记？", "适龄儿童入学登记一般在每年5月至6月进行，通过武汉市义务教育入学服务平台填报，按户籍和房产对口划片。", "小学入学 幼升小 划片 入学登记", "education", "000103002000"),
    DemoArticle("最低生活保障怎么申请？", "向户籍所在地乡镇（街道）提出申请，经入户调查、民主评议和公示后由民政部门审批，30个工作日内办结。", "低保 最低生活保障 困难救助", "civil-affairs", "000107003000", "《社会救助暂行办法》"),
    DemoArticle("结婚登记需要预约吗？", "内地居民结婚登记可在婚姻登记处现场办理，也可网上预约；双方持户口簿、身份证和三张合照，当场办结。", "结婚登记 领证 婚姻登记", "civil-affairs", "000107001000"),
    DemoArticle("道路运输从业资格证到期怎么换？", "从业资格证有效期届满前30日内可通过网上平台或交通运输窗口申请换证，5个工作日内办结。", "从业资格证 货车司机 换证", "transport", "000116002000"),
]

H = "武汉市洪山区"
TICKETS = [
    # --- the last 7 days: night construction noise and waterlogging are rising -----------
    DemoTicket("received", 0, 2, "complaint", "environment", "", "武汉市武昌区中北路与徐东大街交叉口", "中北路工地夜间施工噪音扰民", "中北路一处工地每天夜里十二点后仍在施工，夜间施工噪音很大，影响居民休息，请求查处。"),
    DemoTicket("received", 0, 5, "help", "urban-management", "lisi", "武汉市江汉区万松园路", "万松园路暴雨后路面积水严重", "昨晚暴雨后万松园路路面积水没过脚踝，排水口堵塞，行人无法通行，请尽快疏通。"),
    DemoTicket("received", 0, 8, "suggestion", "transport", "", "武汉市汉阳区龙阳大道", "建议龙阳大道增设公交站点", "龙阳大道王家湾至钟家村之间公交站距离过远，建议增设一个公交站点方便居民出行。"),
    DemoTicket("received", 1, 3, "consult", "medical-insurance", "", "武汉市江岸区解放大道", "退休后医保缴费年限如何计算", "咨询退休时职工医保缴费年限不满怎么办，能否一次性补缴。"),
    DemoTicket("received", 1, 6, "complaint", "market-consumer", "zhangsan", "武汉市江岸区后湖大道", "后湖健身房闭店不退会员费", "后湖大道一家健身房突然闭店，预付的会员费不予退还，请求帮助维权。"),
    DemoTicket("dispatched", 1, 9, "complaint", "environment", "", "武汉市青山区和平大道", "和平大道工地夜间施工噪音大", "和平大道旁工地夜间施工，打桩噪音大，凌晨仍未停止，请环保部门查处夜间施工噪音。"),
    DemoTicket("dispatched", 2, 2, "help", "urban-management", "", "武汉市硚口区古田二路", "古田二路小区门口积水无法出行", "连续降雨后古田二路小区门口积水严重，老人小孩出行困难，请求排水。"),
    DemoTicket("dispatched", 2, 4, "report", "market-food", "", "武汉市江夏区文化大道", "举报文化大道小餐馆无证经营", "文化大道一家小餐馆没有食品经营许可证，后厨卫生条件差，实名举报。"),
    DemoTicket("dispatched", 2, 7, "consult", "education", "wangwu", "武汉市洪山区珞喻路", "孩子转学需要哪些手续", "孩子从外地转学到洪山区小学需要准备哪些材料，在哪里办理。"),
    DemoTicket("handling", 2, 10, "complaint", "environment", "wangwu", "武汉市洪山区珞喻路1037号附近", "珞喻路工地夜间施工噪音扰民", "珞喻路附近工地连续多晚夜间施工，噪音扰民严重，请求督促停止夜间施工。"),
    DemoTicket("handling", 3, 1, "help", "urban-management", "", "武汉市武昌区积玉桥", "积玉桥下穿通道积水", "积玉桥附近下穿通道暴雨后积水，车辆熄火，请求尽快抽排积水。"),
    DemoTicket("handling", 3, 5, "complaint", "labour-wages", "", "武汉市东西湖区金银湖路", "金银湖物流公司拖欠三个月工资", "在金银湖路一家物流公司工作，公司拖欠三个月工资共一万二千元，多次讨要未果。"),
    DemoTicket("handling", 3, 8, "complaint", "market-consumer", "lisi", "武汉市武昌区中北路", "中北路手机店以旧换新欺诈", "在中北路手机店以旧换新，店员承诺的折价与实际不符，拒绝退款。"),
    DemoTicket("handling", 4, 3, "complaint", "urban-management", "", f"{H}关山大道", "关山大道夜间施工渣土车噪音", "关山大道夜间施工，渣土车来回噪音很大，还有扬尘，请城管查处。"),
    DemoTicket("returned", 4, 6, "help", "utilities", "", "武汉市硚口区中山大道", "中山大道老小区停水两天", "中山大道一老旧小区已经停水两天，没有任何通知，请求尽快恢复供水。"),
    DemoTicket("redispatched", 5, 2, "complaint", "urban-management", "", "武汉市江岸区沿江大道", "沿江大道酒吧噪音扰民", "沿江大道几家酒吧夜里音响声音很大，噪音扰民到凌晨两点。"),
    DemoTicket("replied", 4, 9, "help", "urban-management", "zhangsan", "武汉市江岸区沿江大道188号", "沿江大道小区门口积水请求疏通", "沿江大道188号小区门口下水道堵塞，每次下雨都积水，请求疏通。"),
    DemoTicket("replied", 5, 6, "complaint", "labour-wages", "", "武汉市江汉区青年路", "青年路餐饮店拖欠服务员工资", "在青年路一家餐饮店做服务员，离职后老板拖欠两个月工资不结。"),
    DemoTicket("replied", 5, 8, "complaint", "market-consumer", "", "武汉市汉阳区钟家村", "钟家村超市销售过期食品", "在钟家村一家超市买到过期酸奶，要求商家赔偿被拒。"),
    DemoTicket("closed", 6, 2, "complaint", "urban-management", "", f"{H}珞狮路", "珞狮路工地夜间施工噪音", "珞狮路一处工地夜间施工，噪音扰民，希望城管部门管一管。", "satisfied"),
    DemoTicket("closed", 6, 5, "help", "urban-management", "", "武汉市武昌区徐东大街", "徐东大街人行道积水", "徐东大街人行道低洼处积水，行人只能走机动车道，很危险。", "basically"),
    DemoTicket("merged", 0, 1, "complaint", "environment", "", "武汉市武昌区中北路", "中北路工地凌晨还在施工", "中北路工地凌晨还在施工，吵得睡不着，已经不是第一次反映。", into="中北路工地夜间施工噪音扰民"),
    # --- 7 to 14 days ago ----------------------------------------------------------------
    DemoTicket("closed", 8, 3, "complaint", "market-consumer", "zhangsan", "武汉市江岸区后湖大道", "后湖大道装修公司合同纠纷", "与后湖大道一家装修公司签订合同后，对方拖延工期且拒绝退还定金。", "satisfied"),
    DemoTicket("closed", 8, 6, "complaint", "labour-wages", "", "武汉市黄陂区前川街道", "前川建筑工地拖欠农民工工资", "在前川街道一处建筑工地干活，包工头拖欠二十多名工人工资。", "satisfied"),
    DemoTicket("closed", 9, 2, "complaint", "market-food", "", "武汉市江汉区万松园路", "万松园路餐馆饭菜有异物", "在万松园路一家餐馆就餐，菜里吃出异物，商家态度恶劣。", "basically"),
    DemoTicket("closed", 9, 5, "help", "utilities", "", "武汉市青山区建设二路", "建设二路小区燃气表故障", "建设二路小区燃气表故障无法充值，联系燃气公司一周无人上门。", "satisfied"),
    DemoTicket("closed", 9, 8, "complaint", "urban-management", "", f"{H}卓刀泉路", "卓刀泉路占道经营", "卓刀泉路菜场门口摊贩占道经营，堵塞交通，垃圾乱扔。", "unsatisfied"),
    DemoTicket("closed", 10, 3, "complaint", "transport", "", "武汉市汉阳区龙阳大道", "出租车拒载绕路", "在龙阳大道打车，司机拒载短途乘客，还绕路多收费。", "satisfied"),
    DemoTicket("closed", 10, 6, "complaint", "environment", "", "武汉市东西湖区金银湖路", "金银湖工厂排放异味", "金银湖路附近一家工厂夜里排放刺鼻异味，周边居民无法开窗。", "basically"),
    DemoTicket("late", 11, 2, "consult", "labour-employment", "", "武汉市江夏区文化大道", "灵活就业人员如何申请创业补贴", "咨询灵活就业人员申请一次性创业补贴的条件和流程。", "satisfied"),
    DemoTicket("late", 11, 5, "help", "housing-property", "", "武汉市武昌区中北路", "中北路小区电梯长期故障", "中北路一小区电梯故障一个月，物业迟迟不修，老人上下楼困难。", "unsatisfied"),
    DemoTicket("reopened", 12, 3, "complaint", "market-consumer", "lisi", "武汉市武昌区中北路99号", "中北路培训机构拒不退费", "在中北路一家培训机构报名后要求退费，机构以各种理由拒绝。", "unsatisfied"),
    DemoTicket("closed", 12, 7, "complaint", "housing-property", "", "武汉市江岸区解放大道", "解放大道小区物业乱收停车费", "解放大道一小区物业擅自上调停车费，未经业主大会同意。", "basically"),
    DemoTicket("closed", 13, 2, "suggestion", "transport", "", "武汉市蔡甸区蔡甸街道", "建议蔡甸增开夜班公交", "蔡甸街道到市区夜间没有公交，建议增开夜班公交线路。", "satisfied"),
    DemoTicket("closed", 13, 6, "complaint", "labour-insurance", "", "武汉市硚口区古田二路", "公司未给员工缴纳社保", "古田二路一家公司入职半年未给员工缴纳社会保险。", "satisfied"),
    DemoTicket("overdue_reply", 13, 9, "consult", "labour-insurance", "", "武汉市江汉区青年路", "社保断缴后如何补缴", "咨询社保中断三个月后能否补缴，对退休待遇有什么影响。"),
    # --- 14 to 30 days ago ---------------------------------------------------------------
    DemoTicket("closed", 15, 3, "complaint", "market-registration", "", "武汉市江岸区沿江大道", "企业变更登记被多次退回", "办理企业变更登记，材料被多次退回，每次只说一个问题。", "basically"),
    DemoTicket("closed", 15, 7, "help", "housing-construction", "", "武汉市汉阳区钟家村", "钟家村危房墙体开裂", "钟家村一栋老房子外墙出现裂缝，担心有安全隐患，请求鉴定。", "satisfied"),
    DemoTicket("closed", 16, 2, "complaint", "urban-management", "", "武汉市江汉区万松园路", "万松园路餐饮油烟扰民", "万松园路一家烧烤店油烟直排，楼上住户无法开窗。", "satisfied"),
    DemoTicket("closed", 17, 4, "complaint", "market-consumer", "wangwu", "武汉市洪山区珞喻路", "珞喻路电动车店维修乱收费", "在珞喻路一家电动车店维修，事前报价与事后收费不符。", "satisfied"),
    DemoTicket("closed", 18, 6, "report", "market-food", "", "武汉市青山区和平大道", "举报和平大道作坊生产腊肉无证", "和平大道一处民房内加工腊肉香肠对外销售，无任何证照。", "satisfied"),
    DemoTicket("closed", 19, 3, "complaint", "environment", "", "武汉市新洲区邾城街道", "邾城街道工厂污水排入河道", "邾城街道附近一家工厂把污水直接排入河道，河水发黑发臭。", "basically"),
    DemoTicket("closed", 20, 5, "complaint", "transport", "", "武汉市江夏区文化大道", "公交车不按站停靠", "文化大道某路公交车经常不按站停靠，乘客无法上车。", "satisfied"),
    DemoTicket("closed", 21, 2, "help", "labour-wages", "", "武汉市东西湖区金银湖路", "金银湖餐厅拖欠工资", "在金银湖路一家餐厅工作，老板拖欠工资后失联。", "satisfied"),
    DemoTicket("closed", 22, 6, "complaint", "housing-property", "zhangsan", "武汉市江岸区后湖大道", "后湖小区物业不作为垃圾堆积", "后湖大道一小区垃圾多日无人清运，物业不作为。", "satisfied"),
    DemoTicket("closed", 23, 3, "complaint", "market-consumer", "", "武汉市硚口区中山大道", "中山大道商场预付卡无法使用", "在中山大道商场办的预付卡，商家转让后无法使用。", "unsatisfied"),
    DemoTicket("closed", 24, 5, "suggestion", "urban-management", "", "武汉市武昌区积玉桥", "建议积玉桥增设共享单车停放点", "积玉桥地铁站口共享单车乱停，建议增设停放点。", "satisfied"),
    DemoTicket("unreachable", 25, 2, "complaint", "labour-insurance", "", "武汉市黄陂区前川街道", "前川工厂工伤不申报", "在前川街道一家工厂受伤，单位不给申报工伤。"),
    DemoTicket("closed", 26, 4, "complaint", "environment", "", "武汉市汉阳区龙阳大道", "龙阳大道商铺高音喇叭扰民", "龙阳大道几家商铺门口用高音喇叭招揽生意，噪声扰民。", "basically"),
    DemoTicket("closed", 27, 6, "help", "utilities", "lisi", "武汉市武昌区中北路", "中北路小区频繁停电", "中北路一小区一周内停电三次，冰箱食物都坏了。", "satisfied"),
    DemoTicket("closed", 28, 3, "complaint", "transport", "", "武汉市蔡甸区蔡甸街道", "蔡甸客运站黑车拉客", "蔡甸客运站门口黑车拉客，价格混乱。", "basically"),
    DemoTicket("closed", 29, 5, "complaint", "market-food", "", "武汉市江夏区文化大道", "文化大道奶茶店卫生差", "文化大道一家奶茶店员工不戴手套口罩，操作间脏乱。", "satisfied"),
    DemoTicket("overdue_sign", 9, 4, "help", "housing-construction", "", "武汉市青山区和平大道", "和平大道工地围挡倒塌", "和平大道一处工地围挡被风吹倒，占用人行道，存在安全隐患。"),
    # --- consultations answered at once from the knowledge base (即时办结) ------------------
    DemoTicket("answered", 1, 2, "consult", "household-id", "", "武汉市江岸区", "身份证快到期了在哪里换", "身份证下个月到期，想知道在哪里换、要多久。", answer="身份证到期了怎么换？"),
    DemoTicket("answered", 3, 4, "consult", "housing-fund", "", "武汉市武昌区", "租房怎么提取公积金", "在武汉租房住，想提取公积金付房租，怎么办理。", answer="公积金租房提取怎么办？"),
    DemoTicket("answered", 6, 3, "consult", "medical-insurance", "", "武汉市洪山区", "去外地看病怎么备案", "下个月去上海看病，医保异地就医怎么备案。", answer="异地就医怎么备案？"),
    DemoTicket("answered", 10, 2, "consult", "market-registration", "", "武汉市江汉区", "开个小店要办什么执照", "想在社区开个小卖部，需要办什么执照，去哪里办。", answer="个体工商户怎么办营业执照？"),
    DemoTicket("answered", 16, 5, "consult", "tax", "", "武汉市硚口区", "怎么开个税完税证明", "贷款需要个人所得税纳税记录，在哪里开。", answer="个人所得税纳税记录怎么开？"),
    DemoTicket("answered", 20, 3, "consult", "civil-affairs", "", "武汉市汉阳区", "结婚登记要带什么", "下周去领结婚证，需要带哪些材料，要不要预约。", answer="结婚登记需要预约吗？"),
    DemoTicket("answered", 25, 4, "consult", "education", "", "武汉市江夏区", "孩子明年上小学什么时候登记", "孩子明年上小学，入学登记是什么时候，在哪里填报。", answer="孩子上小学怎么登记？"),
]
