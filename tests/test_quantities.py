"""Quantities beyond the seeds: other regions and years, full-width text, Chinese numerals, every unit family."""

import json

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from pipelines.core.extract import extract_text
from pipelines.core.quantities import find_quantities


def one(text: str):
    qs = find_quantities(text)
    assert len(qs) == 1, [(text[q.start:q.end], q.unit) for q in qs]
    q = qs[0]
    return text[q.start:q.end], float(q.value), q.unit, q.qualifier


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit", "qualifier"),
    [
        ("截至2023年底，全省累计建成5G基站１２．５万个。", "１２．５万个", 125000, "个", "exact"),
        ("全市规上工业企业达三千余家。", "三千余家", 3000, "家", "more_than"),
        ("覆盖率达到百分之十。", "百分之十", 10, "%", "exact"),
        ("其中八成以上为中小企业。", "八成", 80, "%", "more_than"),
        ("占全国三分之一。", "三分之一", 100 / 3, "%", "exact"),
        ("不良率控制在3‰以内。", "3‰", 0.3, "%", "less_than"),
        ("比上年提高2.1个百分点。", "2.1个百分点", 2.1, "pp", "exact"),
        ("出口额增长4.9倍。", "4.9倍", 4.9, "倍", "exact"),
        ("GDP总量翻一番。", "翻一番", 2, "倍", "exact"),
        ("居全国第二。", "第二", 2, "rank", "exact"),
        ("在全省排名第7位。", "第7位", 7, "rank", "exact"),
        ("实现营业收入1,234.5亿元。", "1,234.5亿元", 1.2345e11, "CNY", "exact"),
        ("吸引外资约3.2亿美元。", "3.2亿美元", 3.2e8, "USD", "approx"),
        ("数据中心存储能力达到12EB。", "12EB", 1.2e19, "byte", "exact"),
        ("出口带宽达到800G,", "800G", 8e11, "bit/s", "exact"),
        ("算力规模达到160EFLOPS。", "160EFLOPS", 1.6e20, "flops", "exact"),
        ("新增装机1200万千瓦。", "1200万千瓦", 1.2e10, "W", "exact"),
        ("全年发电1000亿千瓦时。", "1000亿千瓦时", 1e14, "Wh", "exact"),
        ("新建高速公路1.2万公里。", "1.2万公里", 1.2e7, "m", "exact"),
        ("建成区面积3平方公里。", "3平方公里", 3e6, "m2", "exact"),
        ("粮食产量760亿斤。", "760亿斤", 3.8e7, "t", "exact"),
        ("完成高标准农田1128万亩。", "1128万亩", 1.128e7, "亩", "exact"),
        ("PM2.5平均浓度27微克/立方米。", "27微克/立方米", 27, "μg/m3", "exact"),
        ("共有两年时间。", "两年", 2, "年", "exact"),
        ("接待游客近千万人次。", "千万人次", 1e7, "人次", "approx"),
        ("累计监测阻断攻击上亿次。", "上亿次", 1e8, "次", "more_than"),
        ("日活用户逾226万,", "226万", 2.26e6, "个", "more_than"),
        ("引进企业3至5家。", "3至5家", 3, "家", "range"),
        ("新建学校十几所。", "十几所", 10, "所", "more_than"),
        ("销售量约２０００台左右。", "２０００台", 2000, "台", "approx"),
    ],
)
def test_quantity(text, surface, value, unit, qualifier):
    s, v, u, q = one(text)
    assert (s, u, q) == (surface, unit, qualifier)
    assert v == pytest.approx(value, rel=1e-9)


def test_range_keeps_both_ends():
    q = find_quantities("每个项目补助3-5万元。")[0]
    assert (float(q.value), float(q.value_high), q.unit, q.qualifier) == (30000, 50000, "CNY", "range")


@pytest.mark.parametrize(
    ("text", "surface", "low", "high", "unit"),
    [("全年经济增长目标为5%—5.5%。", "5%—5.5%", 5, 5.5, "%"), ("每户补助2万元至3万元。", "2万元至3万元", 2e4, 3e4, "CNY"),
     ("增速为4.5%-5%,", "4.5%-5%", 4.5, 5, "%")],
)
def test_two_figures_joined_by_a_range_mark_are_one_range(text, surface, low, high, unit):
    q = find_quantities(text)
    assert [(text[m.start : m.end], float(m.value), float(m.value_high), m.unit, m.qualifier) for m in q] == [
        (surface, low, high, unit, "range")
    ]


def test_a_change_from_one_figure_to_another_is_no_range():
    assert len(find_quantities("占比从12%到18%。")) == 2


def test_list_shares_its_unit():
    qs = find_quantities("增速分别高于全国13.1、8.6个百分点;")
    assert [(float(q.value), q.unit) for q in qs] == [(13.1, "pp"), (8.6, "pp")]


@pytest.mark.parametrize(
    "text",
    [
        "2022年7月6日", "二〇二二年七月六日", "根据《河南省“十四五”数字经济规划》", "建设5G网络和4K/8K超高清视频",
        "PM2.5浓度下降", "打造“1号产业”", "第23届中国国际高新技术成果交易会", "市政协十四届五次会议",
        "联系电话:83133263", "邮编:450007", "地址:中原路233号", "三次产业结构为4.0:37.7:58.3",
        "一是加强组织领导", "一张表单申请、一个窗口受理", "走进千家万户", "坚持五位一体总体布局",
        "落实中央八项规定精神", "工信部等四部门联合印发", "惠及千家万户", "第一时间召开会议",
    ],
)
def test_not_facts(text):
    assert [text[q.start:q.end] for q in find_quantities(text)] == []


def test_place_names_with_numerals_are_not_counts():
    ex = extract_text("t", "新疆五家渠市和黑龙江七台河市的企业达到120家。")
    assert [f.text for f in ex.facts] == ["120家"]


FULLWIDTH = str.maketrans({chr(c): chr(c + 0xFEE0) for c in range(0x21, 0x7F)})
SENTENCES = [
    "2021年,全市5G基站达到2.8万个,同比增长45%,占全省32%。",
    "网络零售额3.02万亿元,增长11.0%,居全国第一。",
    "数据中心机架超过10万个,存储规模39.4PB。",
    "新增就业1244万人,城镇调查失业率5.2%。",
]


@given(st.lists(st.sampled_from(SENTENCES), min_size=1, max_size=4))
@settings(max_examples=60, deadline=None)
def test_full_width_and_half_width_give_the_same_facts(parts):
    half = "".join(parts)
    full = half.translate(FULLWIDTH)
    a = [(f.start, f.end, f.value, f.unit, f.kind, f.qualifier) for f in extract_text("d", half).facts]
    b = [(f.start, f.end, f.value, f.unit, f.kind, f.qualifier) for f in extract_text("d", full).facts]
    assert a == b and a


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [("低保标准提高到每人645元/月。", "645元/月", 645, "CNY/月"), ("电价下调5分/千瓦时。", "5分/千瓦时", 0.05, "CNY/kWh")],
)
def test_rates(text, surface, value, unit):
    s, v, u, _ = one(text)
    assert (s, u) == (surface, unit) and v == pytest.approx(value)


def test_a_score_is_not_money():
    assert [q.unit for q in find_quantities("考核得分95分。")] == []


@pytest.mark.parametrize(
    ("text", "surface", "unit"),
    [("两年晋级12位", "12位", "rank"), ("三千余家企业入驻", "三千余家", "家"), ("下降3位", "3位", "rank"), ("企业达120家", "120家", "家")],
)
def test_figures_at_the_very_start_or_end_of_a_text(text, surface, unit):
    qs = [(text[q.start:q.end], q.unit) for q in find_quantities(text)]
    assert (surface, unit) in qs


def test_a_fall_in_rank_is_negative():
    from pipelines.core.extract import extract_text

    f = extract_text("r", "2023年,全省数字经济排名下降3位。").facts[0]
    assert (f.kind, f.value, f.unit) == ("difference", -3, "rank")


def test_letters_inside_a_code_are_not_a_unit():
    found = {m.unit for m in find_quantities("索 引 号:11410100MB1234567X/2023-00123,存储能力达39.4PB,出口带宽10Gbps。")}
    assert found == {"byte", "bit/s"}
    assert [m.value for m in find_quantities("11410100MB1234567X")] == []


# --- issue 14: the figures real reports hold that the seeds never showed -------------------------------


def spans(text: str) -> list[tuple[str, float, str]]:
    return [(text[q.start : q.end], float(q.value), q.unit) for q in find_quantities(text)]


def facts(text: str) -> list[tuple[str, float, str, str, str]]:
    return [(f.text, f.value, f.unit, f.kind, f.qualifier) for f in extract_text("t", text).facts]


@pytest.mark.parametrize(
    "text",
    [
        # Ordinals of congresses, committees and plenums: the number names the meeting.
        "全县上下认真学习贯彻党的二十届四中全会精神。",
        "按照市委九届历次全会部署推进工作。",
        "认真落实州委十一届七次、八次全会和州委经济工作会议要求。",
        "在省十四届人大四次会议上作报告。",
        "按照十三届区委六次全会的部署。",
        "在十届市政协三次会议上提出。",
        # Spans of time that are the period itself, not a measured duration.
        "过去五年，我们团结带领全市人民攻坚克难。",
        "这五年，是全县经济总量跨越最快的五年。",
        "五年来，我们始终把民生放在首位。",
        "十年多来，全区面貌焕然一新。",
        "这三年里，我们迎难而上。",
        "回顾极不平凡的五年，成绩来之不易。",
        "未来三年，重点建设一批产业园区。",
        "今后五年是全面建设的关键时期。",
        "今后再奋斗五年，建成现代化强县。",
        "这是新阶段的第一个五年。",
        "堤防工程按五十年一遇标准建设，城区防洪达到二十年一遇。",
        "夏粮单产为近六年最高。",
        "代表团奖牌数创近八届最好成绩。",
        # Voltage classes name a kind of line or station.
        "开工建设一批500千伏输变电工程和220千伏线路。",
        "推进±800千伏特高压直流输电工程前期工作。",
        "建成220kV变电站。",
        "新建110千伏、220千伏输电线路。",
        # Thresholds that define a class rather than measure something.
        "1000Mbps及以上用户占比提高。",
        "推动50户以上自然村通客车。",
        "营收十亿以上企业加快成长。",
        "年主营业务收入2000万元以上的工业企业保持增长。",
        "谋划10亿元以上项目。",
        "常住人口30万以上的县全部建成特教学校。",
        "淘汰20万千瓦及以下煤电机组。",
        # 度 of a temperature is no kilowatt-hour, even near 电 in 电子.
        "实验装置等离子体温度达到亿度。",
        # Addressees and page furniture.
        "王建国等12名代表：你们提出的建议收悉。",
        "赵敏等3位委员：你们好！",
        "孙立等4人：",
        "发布时间：2025-06-18 10:25:41 浏览次数：3567次 阅读量：2.1万",
        "【字号：大 中 小】 点击数：892次 阅读 1456 次",
        # 二 alone before a classifier is an ordinal (二轮, 二类); a count says 两.
        "稳妥推进二轮承包延期，第一、二轮巡察问题整改到位。",
        "湖库水质保持二类。",
        # Two-digit growth is not a count of 位.
        "旅游收入保持两位数增长。",
        "综合实力居全国前列。",
    ],
)
def test_not_figures(text):
    assert spans(text) == []


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("新增变电容量860万千伏安。", "860万千伏安", 8.6e9, "VA"),
        ("全年新增主变容量1500MVA。", "1500MVA", 1.5e9, "VA"),
        ("光伏装机容量达到3.2GW。", "3.2GW", 3.2e9, "W"),
        ("新型储能规模达到450MW,", "450MW", 4.5e8, "W"),
        ("新增装机容量2600兆瓦。", "2600兆瓦", 2.6e9, "W"),
        ("特高压输电电压达到1100千伏。", "1100千伏", 1.1e6, "V"),
        ("举办招聘活动860场次。", "860场次", 860, "场次"),
        ("改造老旧小区35万平米。", "35万平米", 3.5e5, "m2"),
        ("新建厂房12.5万平方米。", "12.5万平方米", 1.25e5, "m2"),
        ("政务云存储容量达2.8T。", "2.8T", 2.8e12, "byte"),
        ("城域网出口带宽达到12Tbps。", "12Tbps", 1.2e13, "bit/s"),
        ("千兆接入速率达到1Gbps,", "1Gbps", 1e9, "bit/s"),
        ("家庭宽带平均速率380Mbps。", "380Mbps", 3.8e8, "bit/s"),
        ("治理水土流失1.6万公顷。", "1.6万公顷", 1.6e8, "m2"),
        ("细颗粒物平均浓度降至27.4微克每立方米。", "27.4微克每立方米", 27.4, "μg/m3"),
        ("国际友好城市达到86对。", "86对", 86, "对"),
        ("全年平均降水量612.5毫米。", "612.5毫米", 0.6125, "m"),
        ("港口集装箱吞吐量突破320万TEU。", "320万TEU", 3.2e6, "标箱"),
        ("家禽出栏2.3亿羽。", "2.3亿羽", 2.3e8, "羽"),
        ("收购烤烟32.5万担。", "32.5万担", 16250, "t"),
        ("进出港船舶1.2万艘次。", "1.2万艘次", 12000, "艘次"),
        ("以3.1万票当选。", "3.1万票", 31000, "票"),
        ("全年发电量达到86亿千瓦时。", "86亿千瓦时", 8.6e12, "Wh"),
        ("全年外送电量210亿度。", "210亿度", 2.1e13, "Wh"),
    ],
)
def test_engineering_and_other_units(text, surface, value, unit):
    s, v, u, _ = one(text)
    assert (s, u) == (surface, unit)
    assert v == pytest.approx(value, rel=1e-9)


@pytest.mark.parametrize(
    ("text", "surface"),
    [("连续六年保持全省第一。", "六年"), ("三年时间建成120个应用场景。", "三年"), ("平均受教育年限达到11.2年。", "11.2年"),
     ("用两年时间完成改造。", "两年")],
)
def test_a_measured_duration_is_kept(text, surface):
    assert (surface, "年") in [(s, u) for s, _, u in spans(text)]


def test_the_years_over_which_a_change_happened_are_no_figure():
    assert [u for _, _, u in spans("数字经济占比达到48%、5年提升9.2个百分点。")] == ["%", "pp"]


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [("单位产值能耗降至0.46千克标准煤。", "0.46千克", 0.00046, "t"), ("年发电量2千瓦时", "2千瓦时", 2000, "Wh"),
     ("高于全省1.5百分点。", "1.5百分点", 1.5, "pp")],
)
def test_a_thousand_or_hundred_that_begins_the_unit_is_not_a_multiplier(text, surface, value, unit):
    s, v, u, _ = one(text)
    assert (s, u) == (surface, unit) and v == pytest.approx(value)


@pytest.mark.parametrize("text", ["8.2027年重点工作：", "到二三五年基本实现现代化。"])
def test_years_written_oddly_are_not_durations(text):
    assert spans(text) == []


def test_counts_in_a_list_of_events_are_counts():
    assert [s for s, _, _ in spans("成功举办3届茶博会、2届农交会。")] == ["3届", "2届"]
    assert [s for s, _, _ in spans("新培育40户以上数字化工厂。")] == ["40户"]  # 户 counts the factories


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [("页岩气年产量达到12亿方。", "12亿方", 1.2e9, "m3"), ("港口集装箱吞吐量达到860.5万标准箱。", "860.5万标准箱", 8.605e6, "标准箱"),
     ("全省算力规模达到2.6万PF。", "2.6万PF", 2.6e19, "flops")],
)
def test_more_units_of_reports(text, surface, value, unit):
    s, v, u, _ = one(text)
    assert (s, u) == (surface, unit) and v == pytest.approx(value)


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [("全县茶叶产值突破百亿。", "百亿", 1e10), ("全市经济总量迈上3万亿台阶。", "3万亿", 3e12),
     ("平台交易额超过12亿,", "12亿", 1.2e9)],
)
def test_an_amount_of_money_with_its_yuan_left_out_is_money(text, surface, value):
    assert spans(text) == [(surface, value, "CNY")]


def test_a_count_with_no_classifier_is_still_a_count():
    assert spans("政务平台注册用户突破1200万。") == [("1200万", 1.2e7, "个")]
    assert spans("客运班车全年发送8600车次。") == [("8600车次", 8600, "车次")]


def test_parties_are_no_volume():
    assert spans("企业与高校签订三方协议。") == []


def test_a_position_in_a_ranking_is_a_rank_not_a_count_of_people():
    found = [(s, v, u) for s, v, u in spans("在全球城市竞争力排名由188位上升到141位。")]
    assert found == [("188位", 188, "rank"), ("141位", 141, "rank")]
    assert spans("全职院士达到57位。") == [("57位", 57, "位")]


def test_a_run_of_multipliers_is_not_read_by_half():
    assert spans("超算峰值达到3.2百亿亿次每秒。") == []


def test_a_thousand_before_a_word_that_is_no_unit_is_not_a_count():
    assert [u for _, _, u in spans("新建330千伏的线路,累计3千")] == []


def test_a_permille_keeps_its_sign():
    assert spans("人口自然增长率为-0.86‰。") == [("-0.86‰", pytest.approx(-0.086), "%")]
    assert spans("出生率为6.4‰。") == [("6.4‰", pytest.approx(0.64), "%")]


@pytest.mark.parametrize(
    ("text", "value"),
    [("专利授权量实现翻番。", 2), ("农民收入翻了一番。", 2), ("旅游收入翻了两番。", 4), ("出口额翻三番。", 8)],
)
def test_doublings(text, value):
    assert [(u, v) for _, v, u in spans(text)] == [("倍", value)]


def test_several_doublings_are_each_a_doubling_not_a_count():
    found = spans("五年间实现四个翻番，做到“双翻番”。")
    assert [(u, v) for _, v, u in found] == [("倍", 2)]  # the quoted slogan is a name
    assert [(s, v) for s, v, u in spans("三项指标实现双翻番。") if u == "倍"] == [("双翻番", 2)]


def test_a_number_broken_by_a_line_break_is_one_figure():
    text = "全县地区生产总值83.26亿\n元,增长5%。"
    q = find_quantities(text)[0]
    assert (text[q.start : q.end], float(q.value), q.unit) == ("83.26亿\n元", 8.326e9, "CNY")


def test_a_line_break_before_the_multiplier_or_after_a_bare_number():
    text = "全县一般公共预算收入12.06\n亿元,新增企业38\n家。"
    assert spans(text) == [("12.06\n亿元", pytest.approx(1.206e9), "CNY")]  # 38 at a line's end is no figure


def test_a_number_glued_to_letters_is_read_when_it_carries_a_unit():
    assert spans("全省GDP4521.3亿元,增长6%。")[0] == ("4521.3亿元", pytest.approx(4.5213e11), "CNY")
    # Codes and names stay out: a train number, an aircraft, a pollutant.
    assert spans("乘坐K1234次列车，C919客机交付，PM2.5年均浓度下降") == []


@pytest.mark.parametrize(
    ("text", "surface", "value", "unit"),
    [
        ("城镇新增就业٣٫٥万人。", "٣٫٥万人", 35000, "人"),
        ("新增企业٥٠家。", "٥٠家", 50, "家"),
        ("新增农户１２.５万户。", "１２.５万户", 125000, "户"),
        ("建成基站१२००个。", "१२००个", 1200, "个"),
    ],
)
def test_digits_of_other_scripts_read_like_ascii(text, surface, value, unit):
    s, v, u, _ = one(text)
    assert (s, u) == (surface, unit) and v == pytest.approx(value)


def test_digits_beyond_the_basic_plane_are_not_taken_at_all():
    assert spans("新增就业\U0001d7d1\U0001d7d3万人,企业1\U0001d7d3家。") == []  # mathematical digits: never half-read


def test_a_per_before_money_makes_a_rate_and_the_list_shares_it():
    found = spans("城乡低保标准分别提高到每月720元和560元。")
    assert found == [("720元", 720, "CNY/月"), ("560元", 560, "CNY/月")]
    assert spans("补助标准为每人每年600元。") == [("600元", 600, "CNY/年")]


def test_a_list_of_ranks_shares_its_cue():
    found = [(s, v) for s, v, u in spans("三项指标分别居全国第三、第六、第十一。") if u == "rank"]
    assert found == [("第三", 3), ("第六", 6), ("第十一", 11)]
    found = [(s, v) for s, v, u in spans("两项指标分列全省第二和第五位。") if u == "rank"]
    assert found == [("第二", 2), ("第五位", 5)]


@pytest.mark.parametrize(
    ("text", "surface", "value"),
    [("全县经济综合实力进入全省前8位。", "前8位", 8), ("数字经济规模跻身全国城市前十强。", "前十强", 10),
     ("营商环境评价连续两年位居全省前三。", "前三", 3), ("乡村振兴考核包揽全市前五名。", "前五名", 5)],
)
def test_a_top_n_is_a_rank_at_most_n(text, surface, value):
    f = [f for f in extract_text("t", text).facts if f.unit == "rank"]
    assert [(f.text, f.value, f.kind, f.qualifier) for f in f] == [(surface, value, "rank", "less_than")]


def test_the_rank_a_move_reaches_is_a_rank():
    found = [(s, v) for s, v, u in spans("综合竞争力由全国第15位跃升至第8位。") if u == "rank"]
    assert found == [("第15位", 15), ("第8位", 8)]


def test_a_top_share_names_a_class():
    assert spans("全校6个学科进入全球排名前1%,2个进入前千分之一。") == [("6个", 6, "个"), ("2个", 2, "个")]
    assert spans("目前50%的乡镇建成服务中心。") == [("50%", 50, "%")]


def test_a_first_months_span_is_no_rank():
    assert [u for _, _, u in spans("全国前三季度经济增长5%。")] == ["%"]


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("两类污染物排放量分别下降12.4%、7.9%。", [-12.4, -7.9]),
        ("三项收入分别增长3.1%、4.6%、8.2%。", [3.1, 4.6, 8.2]),
        ("三项收入分别增长3.1%4.6%8.2%。", [3.1, 4.6, 8.2]),
        ("两项投资分别下降2.5%和0.8%。", [-2.5, -0.8]),
    ],
)
def test_a_list_shares_the_kind_and_sign_of_its_cue(text, want):
    got = [(f.kind, f.value) for f in extract_text("t", text).facts if f.unit == "%"]
    assert got == [("growth", v) for v in want]


@pytest.mark.parametrize(
    "text",
    ["财政收入" + "9" * 400 + "亿元。", "总量达一" + "亿" * 40 + "元。", "合计" + "7" * 5000 + "元。", "达到9" + "0" * 35 + "亿元。",
     "居全国第" + "8" * 4400 + "位。", "占比为百分之" + "6" * 500 + "。", "进入全国前" + "5" * 600 + "位。", "覆盖率" + "3" * 400 + "%。"],
)
def test_a_value_beyond_the_limit_is_skipped_with_a_reason(text):
    skipped: list = []
    assert find_quantities(text, skipped=skipped) == []
    assert skipped and all("limit" in reason for _, _, reason in skipped)
    assert extract_text("t", text).facts == []  # and the document goes on


@pytest.mark.parametrize(
    ("text", "surface"),
    [("园区内70%以上的企业完成数字化改造。", "70%"), ("实施1200个以上重点项目。", "1200个"), ("引进800家以上的科技企业。", "800家"),
     ("带动3万人以上就业。", "3万人")],
)
def test_a_share_or_a_count_of_the_things_is_no_threshold(text, surface):
    assert [s for s, _, _ in spans(text)] == [surface]


def test_values_below_the_limit_are_kept():
    assert spans("总资产达到8.5万亿元。") == [("8.5万亿元", 8.5e12, "CNY")]


def test_the_stored_sentence_of_a_long_line_is_a_window_around_the_figure():
    filler = "推进项目建设和产业发展" * 60  # one line of 660 characters with no sentence punctuation
    text = filler + "新增企业120家" + filler + "，新建学校35所" + filler
    fs = extract_text("t", text).facts
    assert [f.text for f in fs] == ["120家", "35所"]
    for f in fs:
        assert f.text in f.sentence and len(f.sentence) <= 2 * 200 + len(f.text)
    assert fs[1].sentence.startswith("新建学校35所")  # cut at the clause mark before the figure
    short = extract_text("t", "全市新增企业120家,同比增长5%。").facts
    assert {f.sentence for f in short} == {"全市新增企业120家,同比增长5%"}  # as before: the sentence


def test_a_corpus_with_a_giant_number_is_written_whole(tmp_path):
    from pipelines.core.extract import extract_corpus_to_jsonl

    corpus = tmp_path / "c"
    corpus.mkdir()
    (corpus / "huge.txt").write_text("全市财政收入" + "9" * 5000 + "亿元,新增企业120家。", encoding="utf-8")
    summary = extract_corpus_to_jsonl(corpus, tmp_path / "f.jsonl", tmp_path / "d.jsonl")
    assert (summary.documents, summary.facts, summary.quarantined) == (1, 1, [])
    assert '"120家"' in (tmp_path / "f.jsonl").read_text(encoding="utf-8")
    doc = json.loads((tmp_path / "d.jsonl").read_text(encoding="utf-8"))
    assert doc["skipped"].startswith("1 figure(s) skipped: value beyond the limit")  # the document's row says why


def test_a_table_gives_its_numbers_the_units_of_their_row_or_column():
    text = ("主要产品产量\n产品\t单位\t产量\t比上年增长(%)\n钢材\t万吨\t812.6\t-2.4\n"
            "水泥  万吨  1530.2  3.8\n光伏电池\t万千瓦\t960\t41.5\n")
    got = [(s, v, u) for s, v, u in spans(text)]
    assert got == [("812.6", pytest.approx(8.126e6), "t"), ("-2.4", -2.4, "%"), ("1530.2", pytest.approx(1.5302e7), "t"),
                   ("3.8", 3.8, "%"), ("960", 9.6e9, "W"), ("41.5", 41.5, "%")]


def test_a_table_read_one_cell_a_line_takes_the_units_of_its_headers():
    text = "各县装机情况\n县\n光伏装机(万千瓦)\n同比增长(%)\n东山县\n320\n12.5\n西岭县\n185\n-3.2\n责任编辑：王五\n"
    assert spans(text) == [("320", 3.2e9, "W"), ("12.5", 12.5, "%"), ("185", 1.85e9, "W"), ("-3.2", -3.2, "%")]


def test_numbers_in_prose_lines_are_no_table():
    assert spans("2024\n年度报告\n第3\n章") == []


@pytest.mark.parametrize(
    ("text", "want"),
    [("东港、西港两个码头完成改造。", []), ("粮食和油料产量增长,两项指标均创新高。", []),
     ("2023年东区、西区两个园区获批。", []),
     ("新建学校两所、医院三所。", [("两所", 2, "所"), ("三所", 3, "所")]), ("建成两个中心。", [("两个", 2, "个")])],
)
def test_a_count_that_restates_the_items_just_named_is_no_figure(text, want):
    assert spans(text) == want


def test_a_position_far_from_its_verb_is_a_rank():
    assert spans("县域综合实力位居全省县域经济发展十强县第3位。") == [("第3位", 3, "rank")]
    assert spans("经济总量连续保持全市第2位。") == [("第2位", 2, "rank")]
