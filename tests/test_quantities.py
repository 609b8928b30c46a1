"""Quantities beyond the seeds: other regions and years, full-width text, Chinese numerals, every unit family."""

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
