"""Attribution rules on sentences of our own: kind, sign, region, period, metric, document fields."""

from pipelines.core.extract import extract_text


def facts(text: str, doc: str = "t"):
    return {f.text: f for f in extract_text(doc, text).facts}


def test_kinds_and_signs():
    f = facts("2022年,杭州市工业企业用电成本下降6.8%,数字经济核心产业增加值增长9.1%,占GDP比重28.3%,"
              "高于全省平均水平1.5个百分点,低于目标0.3个百分点,规模居全省第一。\n2022年12月1日")
    assert (f["6.8%"].kind, f["6.8%"].value) == ("growth", -6.8)
    assert (f["9.1%"].kind, f["9.1%"].value) == ("growth", 9.1)
    assert f["28.3%"].kind == "share"
    assert (f["1.5个百分点"].kind, f["1.5个百分点"].value) == ("difference", 1.5)
    assert (f["0.3个百分点"].kind, f["0.3个百分点"].value) == ("difference", -0.3)
    assert f["第一"].kind == "rank"
    assert all(x.region == "杭州市" and x.period == "2022" for x in f.values())


def test_target_takes_the_year_it_aims_at():
    f = facts("尊敬的王委员:\n到2025年,全市数字经济核心产业增加值力争达到1500亿元。\n成都市经济和信息化局\n2023年5月4日")
    t = f["1500亿元"]
    assert (t.kind, t.period, t.region) == ("target", "2025", "成都市")
    assert t.metric_id == "digital_core_value_added"


def test_self_references_resolve_to_the_documents_region():
    text = "武汉市数据局\n我市5G基站达到3.1万个,全省5G基站达到9.2万个,全国5G基站达到337.7万个。\n2023年3月1日"
    f = facts(text)
    assert f["3.1万个"].region == "武汉市"
    assert f["9.2万个"].region == "湖北省"
    assert f["337.7万个"].region == "全国"
    assert f["3.1万个"].metric_id == "base_stations_5g"


def test_respective_regions():
    f = facts("2025年,广州、深圳地铁单日最高客运量分别达1409万、1305万人次。")
    assert (f["1409万"].region, f["1305万人次"].region) == ("广州市", "深圳市")
    assert f["1409万"].unit == "人次"


def test_period_from_quarter_and_heading():
    text = "一、2024年工作回顾\n全省网络零售额增长12.3%。2025年一季度,软件业务收入增长10.2%。"
    f = facts(text)
    assert f["12.3%"].period == "2024"
    assert f["10.2%"].period == "2025Q1"


def test_document_metadata_from_a_gbk_like_header():
    text = ("索引号:MB0012345/2024-00031\n关于加快数字经济发展的提案的答复\n关于市政协九届三次会议第20240117号提案的答复\n"
            "李明委员:\n您提出的提案收悉。我局高度重视。\n南京市数据局\n二〇二四年六月十八日")
    d = extract_text("x", text).doc
    assert d.title == "关于加快数字经济发展的提案的答复"
    assert d.reply_date == "2024-06-18"
    assert d.proposal_no == "20240117"
    assert d.session == "市政协九届三次会议"
    assert d.addressee == "李明委员"
    assert d.responder == "南京市数据局"
    assert d.region == "南京市"
    assert d.doc_number == "MB0012345/2024-00031"


def test_a_provincial_summary_of_our_own():
    text = ("贵州省大数据发展管理局\n一、2022年工作情况\n截至2022年底，全省累计建成5G基站7.3万个。全年实现地区生产总值20164.58亿元，"
            "同比增长1.2%。规模以上工业增加值增长0.9%，低于全国平均水平2.7个百分点。数字经济增加值占GDP比重达到37.2%，"
            "较上年提高2.0个百分点。软件和信息技术服务业收入突破700亿元，同比下降3.5%。新增国家级专精特新“小巨人”企业35家。"
            "贵阳、遵义两市分别完成投资152亿元、87亿元。\n二、下一步工作\n力争到2025年，数字经济规模超过1万亿元，"
            "占GDP比重达到50%左右。\n2023年2月15日")
    ex = extract_text("gz", text)
    assert ex.doc.title is None and ex.doc.responder == "贵州省大数据发展管理局" and ex.doc.region == "贵州省"
    f = {x.text: x for x in ex.facts}
    assert (f["7.3万个"].metric_id, f["7.3万个"].region, f["7.3万个"].period) == ("base_stations_5g", "贵州省", "2022")
    assert (f["20164.58亿元"].value, f["20164.58亿元"].metric_id) == (2016458000000, "gdp")
    assert (f["1.2%"].kind, f["1.2%"].metric_id) == ("growth", "gdp")
    assert (f["2.7个百分点"].value, f["2.7个百分点"].kind) == (-2.7, "difference")
    assert "工业增加值" in f["2.7个百分点"].metric
    assert f["37.2%"].metric_id == "digital_economy_value_added" and f["37.2%"].kind == "share"
    assert "数字经济" in f["2.0个百分点"].metric
    assert (f["3.5%"].value, f["3.5%"].metric_id) == (-3.5, "software_revenue")
    assert f["35家"].metric_id == "specialised_smes"
    assert (f["152亿元"].region, f["87亿元"].region) == ("贵阳市", "遵义市")
    assert (f["1万亿元"].kind, f["1万亿元"].period, f["1万亿元"].qualifier) == ("target", "2025", "more_than")
    assert (f["50%"].kind, f["50%"].qualifier) == ("target", "approx")
    assert f["50%"].metric_id == "digital_economy_value_added"


def test_labelled_header_table_with_spaces_inside_labels():
    text = ("索 引 号：11330000002482870P/2023-12345   主题分类：工业\n"
            "发文机关：浙江省经济和信息化厅    成文日期：2023年06月20日\n"
            "标    题：关于省十四届人大一次会议第123号建议的答复\n"
            "发文字号：浙经信建〔2023〕15号   发布日期：2023年06月25日\n"
            "张三代表：\n您提出的关于加快数字经济发展的建议收悉。全省累计建成5G基站17.1万个。\n"
            "浙江省经济和信息化厅\n2023年6月20日")
    ex = extract_text("zj", text)
    d = ex.doc
    assert d.title == "关于省十四届人大一次会议第123号建议的答复"
    assert (d.reply_date, d.publish_date) == ("2023-06-20", "2023-06-25")
    assert (d.proposal_no, d.session, d.addressee) == ("123", "省十四届人大一次会议", "张三代表")
    assert (d.responder, d.region, d.doc_number) == ("浙江省经济和信息化厅", "浙江省", "浙经信建〔2023〕15号")
    assert [(f.value, f.region, f.period) for f in ex.facts] == [(171000, "浙江省", "2023")]


def test_a_city_reply_in_full_width_text():
    text = ("关于加快推进我市智慧农业发展的建议的答复\n李华代表：\n"
            "　　您提出的《关于加快推进我市智慧农业发展的建议》（第０１２３号）收悉。现答复如下：\n　　一、工作进展\n"
            "　　２０２３年，全市农业物联网应用面积达到１２．５万亩，较上年增长１８．６％；建成数字农业示范基地４６个，"
            "其中国家级３个、省级１５个。益农信息社覆盖１２００余个行政村，覆盖率超过９５％。\n　　二、下一步工作\n"
            "　　到２０２５年，全市农业物联网应用面积力争达到２０万亩。\n洛阳市农业农村局\n２０２４年５月２０日")
    ex = extract_text("ly", text)
    assert (ex.doc.proposal_no, ex.doc.addressee, ex.doc.responder, ex.doc.reply_date) == (
        "0123", "李华代表", "洛阳市农业农村局", "2024-05-20")
    f = {x.text: x for x in ex.facts}
    assert (f["１２．５万亩"].value, f["１２．５万亩"].unit, f["１２．５万亩"].period) == (125000, "亩", "2023")
    assert (f["１８．６％"].kind, f["１８．６％"].value) == ("growth", 18.6)
    assert f["３个"].metric.startswith("数字农业示范基地") and "国家级" in f["３个"].metric
    assert f["１５个"].metric.startswith("数字农业示范基地") and "省级" in f["１５个"].metric
    assert (f["１２００余个"].qualifier, f["９５％"].qualifier, f["９５％"].kind) == ("more_than", "more_than", "share")
    assert (f["２０万亩"].kind, f["２０万亩"].period) == ("target", "2025")
    assert all(x.region == "洛阳市" for x in ex.facts)


def test_a_comparison_base_is_not_the_period():
    f = facts("长沙市数据局\n2023年,全市上云企业达到5200家,较上年增加800家,比去年提高12%。\n2025年2月1日")
    assert {x.period for x in f.values()} == {"2023"}


def test_halves_and_quarters_without_a_year_take_the_documents_year():
    f = facts("合肥市数据局\n上半年,全市电信业务总量同比增长18.2%。2022年下半年,5G用户新增120万户。"
              "今年一季度,网络零售额增长5%,前三季度增长8%。\n2023年10月6日")
    assert (f["18.2%"].period, f["120万户"].period, f["5%"].period, f["8%"].period) == (
        "2023H1", "2022H2", "2023Q1", "2023")


def test_rank_labels_name_the_ranking():
    f = facts("济南市大数据局\n我市在全国数字城市排名中位居第8位,较上年提升3位。\n2024年3月1日")
    assert (f["第8位"].kind, f["第8位"].metric) == ("rank", "数字城市排名")
    assert (f["3位"].kind, f["3位"].value, f["3位"].metric) == ("difference", 3, "数字城市排名提升")


def test_a_duration_names_the_subject_of_the_figures_after_it():
    f = facts("南昌市工信局\n全市数字经济核心产业增加值五年翻一番,年均增长12%左右。\n2024年1月2日")
    assert f["翻一番"].metric_id == f["12%"].metric_id == "digital_core_value_added"
    assert (f["12%"].kind, f["12%"].qualifier) == ("growth", "approx")


def test_long_labels_keep_their_first_characters():
    f = facts("太原市工信局\n2023年,全市数字经济核心产业增加值达到420亿元,占GDP比重为8.3%。\n2024年1月2日")
    assert f["8.3%"].metric == "数字经济核心产业增加值占GDP比重"


def test_a_count_grown_against_a_base_is_a_difference():
    f = facts("郑州市数据局\n全市固定宽带用户比上年末增加2万户,全年新增市场主体3000户,审批事项减少12项。\n2024年6月1日")
    assert (f["2万户"].kind, f["2万户"].value, f["2万户"].metric) == ("difference", 20000, "固定宽带用户")
    assert f["3000户"].kind == "level"
    assert (f["12项"].kind, f["12项"].value) == ("difference", -12)


def test_size_classes_in_names_are_not_figures():
    f = facts("培育百亿级产业集群12个、千亿元级产业集群3个,建成10万吨级码头2座。")
    assert set(f) == {"12个", "3个", "2座"}


def test_a_labelled_header_field_is_not_a_title_and_session_lead_words_go():
    from pipelines.core.extract import extract_text as ex

    doc = ex("t", "索 引 号:11410100MB1234567X/2023-00123\n对市十六届人大三次会议第0342号建议的答复\n王代表:\n存储能力达39.4PB。").doc
    assert doc.title == "对市十六届人大三次会议第0342号建议的答复"
    assert (doc.session, doc.proposal_no) == ("市十六届人大三次会议", "0342")
