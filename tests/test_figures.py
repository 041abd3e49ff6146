"""Figure extraction: tiny fixtures for each rule, then the five corpus documents."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path

import pytest
from conftest import make_document

from qa.errors import InputError
from qa.ingest.figures import extract_figures
from qa.textnorm import detect_script, search_form
from qa.types import COMPARATORS, Document, Figure, Section

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "corpus"
SHARED = REPO.parent / "shared"
TARGETS = Path(__file__).with_name("figure_targets.jsonl")
REGION_FILES = {
    "厦门": "xiamen-2015-quality-strong-city-opinion.txt",
    "太原": "taiyuan-2014-quality-outline-action-plan.txt",
    "阿拉善": "alxa-quality-strong-league-opinion.txt",
    "福建": "fujian-quality-strong-province-targets-2015.txt",
    "东莞": "dongguan-2013-quality-strong-city-model-work-plan.txt",
}


def only(text: str, script: str = "simplified", sections: tuple[Section, ...] = ()) -> Figure:
    figures = extract_figures(make_document(text, script), sections)
    assert len(figures) == 1, figures
    return figures[0]


def test_target_sentence_gives_every_field() -> None:
    text = "（一）提高产品质量。到2018年，监督抽查合格率稳定在94%以上，质量创新能力明显提高。"
    figure = only(text)
    assert figure.indicator == "监督抽查合格率"
    assert (figure.value, figure.number, figure.unit) == ("94", 94.0, "%")
    assert figure.comparator == "at_least"  # 以上 wins over 稳定在
    assert figure.target_year == 2018
    assert figure.text == "监督抽查合格率稳定在94%以上"
    assert text[figure.span[0] : figure.span[1]] == figure.text
    assert figure.section_path == ()


@pytest.mark.parametrize(
    ("sentence", "comparator"),
    [
        ("森林覆盖率达42.9%。", "equal"),
        ("水质达标率稳定保持100%。", "equal"),
        ("抽查合格率不低于90%。", "at_least"),
        ("监督抽查合格率高于90%。", "more_than"),
        ("不合格发现率低于6%。", "less_than"),
        ("事故率不超过1%。", "at_most"),
        ("处理时间控制在5天以内。", "at_most"),
        ("优良天气达标率提高5%。", "increase_by"),
        ("能耗提高2个百分点以上。", "increase_by"),
        ("PM2.5年均浓度值下降5%。", "decrease_by"),
        ("重点监控设备使用单位300余家。", "more_than"),
        ("科技名牌产品15个。", ""),
        # A law's prohibitions: 不得少于 is at least, 不得超过 at most.
        ("记录和凭证保存期限不得少于二年。", "at_least"),
        ("修理记录保存期限不得低于6年。", "at_least"),
        ("罚款不得超过五万元。", "at_most"),
    ],
)
def test_comparator_words(sentence: str, comparator: str) -> None:
    assert only(sentence).comparator == comparator


def test_percentage_points_and_decimals() -> None:
    figure = only("能耗提高2.5个百分点。")
    assert (figure.value, figure.number, figure.unit) == ("2.5", 2.5, "个百分点")


def test_counts_take_the_noun_before_or_after_the_value() -> None:
    figure = only("新增中国驰名商标5件。")
    assert figure.indicator == "中国驰名商标"
    assert (figure.unit, figure.comparator) == ("件", "increase_by")
    figure = only("再创100个以上省级名牌产品和著名商标。")
    assert figure.indicator == "省级名牌产品和著名商标"
    assert figure.comparator == "at_least"


def test_two_figures_in_one_clause_do_not_share_an_indicator() -> None:
    figures = extract_figures(make_document("年销售收入超100亿元的名牌产品生产企业达50家。"))
    assert [(f.indicator, f.value, f.unit, f.comparator) for f in figures] == [
        ("年销售收入", "100", "亿元", "more_than"),
        ("名牌产品生产企业", "50", "家", "equal"),
    ]


def test_chinese_numerals_are_read_with_cn2an() -> None:
    figure = only("城镇污水处理率达到百分之三十。")
    assert (figure.value, figure.number, figure.unit) == ("百分之三十", 30.0, "%")
    figure = only("本意见自发布之日起实施，有效期三年。")
    assert figure.indicator == "有效期"
    assert (figure.value, figure.number, figure.unit) == ("三", 3.0, "年")
    figure = only("应当自收到申请之日起十五日内作出决定。")
    assert (figure.value, figure.unit, figure.comparator) == ("十五", "日", "at_most")
    figure = only("处五万元以上罚款。")
    assert (figure.value, figure.number, figure.unit) == ("五", 5.0, "万元")


@pytest.mark.parametrize(
    "text",
    [
        "厦门市人民政府\n2015年4月27日\n",
        "时间:2022-07-23 09:01:39",
        "厦府〔2015〕114号",
        "(內政發〔2015〕92 號)",
        "充分发挥12365、12315、12330等投诉热线的作用,设立96333电梯应急平台。",
        "已经市政府第76次常务会议研究通过。依照本法第三十条规定。",
        "以党的十八大精神以及提出的“三个转变”要求为统领。",
        "一、总体要求\n(一)重大意义\n1. 产品质量\n(1)计量\n",
        "国务院《质量发展纲要(2011—2020 年)》，2013年成为首批示范城市。",
        "2014年6月前,全市检测机构全部完成工作。",
        "配套建设一批检验检测平台，深入推进五大工程，深化五项整治。",
        "粤ICP备19114884号 网站标识码 : 4419000098",
    ],
)
def test_not_figures(text: str) -> None:
    assert extract_figures(make_document(text)) == []


def test_traditional_script_with_spaces_and_lead_department() -> None:
    text = (
        "二、總體目標\n到 2020 年底，其他工程一次驗收合格率達到 98 %以上"
        "(盟住建局、水務局按各自的職責分工負責)。"
    )
    figure = only(text, script="traditional")
    assert figure.indicator == "其他工程一次驗收合格率"  # verbatim, traditional
    assert (figure.value, figure.unit, figure.comparator) == ("98", "%", "at_least")
    assert figure.target_year == 2020
    assert figure.lead_department == "盟住建局、水務局"


def test_full_width_digits_and_percent_sign() -> None:
    figure = only("到２０１５年，省级监督抽查合格率稳定在９２％以上。")
    assert (figure.value, figure.number, figure.unit) == ("９２", 92.0, "%")
    assert figure.target_year == 2015


def test_range_keeps_both_ends_verbatim() -> None:
    figure = only("每年培育龙头企业5—10个。")
    assert (figure.value, figure.number, figure.unit) == ("5—10", None, "个")


@pytest.mark.parametrize(
    ("paragraph", "lead"),
    [
        ("抽查合格率达到95%以上。(牵头部门:市食药监局。责任单位: 市农委)", "市食药监局"),
        ("抽查合格率达到95%以上。（牵头部门：市质监局　责任单位：市工商局）", "市质监局"),
        ("工业废水排放达标率稳定在95%以上(盟环保局牵头,盟经信委配合落实)。", "盟环保局"),
        ("再生水回用率达10%。(市环保局负责牵头落实)", "市环保局"),
        ("示范区建设1个,由开发区管委会负责。", "开发区管委会"),
        ("森林覆盖率达42.9%。", ""),
    ],
)
def test_lead_department(paragraph: str, lead: str) -> None:
    assert only(paragraph).lead_department == lead


def test_lead_department_is_the_first_one_after_the_figure_in_its_paragraph() -> None:
    text = (
        "合格率达到90%以上,(盟市场监管局负责),监测合格率达到96%以上(盟农牧业局负责)。\n"
        "覆盖率达到95%以上。\n"
    )
    figures = extract_figures(make_document(text))
    assert [f.lead_department for f in figures] == ["盟市场监管局", "盟农牧业局", ""]


def _section(number: str, heading: str, span: tuple[int, int], body_end: int,
             children: tuple[Section, ...] = ()) -> Section:  # fmt: skip
    return Section(1, "test", number, heading, span, (span[0], body_end), children)


def test_target_year_and_path_come_from_the_enclosing_sections() -> None:
    text = "二、总体目标\n到2020年底，质量总体水平明显提升。\n(一)质量目标\n森林覆盖率达到23%。\n"
    child_start = text.index("(一)")
    child = _section("(一)", "质量目标", (child_start, len(text)), len(text))
    top = _section("二、", "总体目标", (0, len(text)), child_start, (child,))
    figure = only(text, sections=(top,))
    assert figure.section_path == ("二、总体目标", "(一)质量目标")
    assert figure.target_year == 2020
    assert only(text).target_year is None  # without the outline only the sentence counts


def test_specific_targets_inherit_the_year_of_the_overall_targets() -> None:
    text = (
        "(一)总体目标\n到2014年，全市整体质量水平明显提高。\n"
        "(二)具体目标\n产品质量——国家监督抽查合格率高于90%。\n"
    )
    second = text.index("(二)")
    first = _section("(一)", "总体目标", (0, second), second)
    specific = _section("(二)", "具体目标", (second, len(text)), len(text))
    figure = only(text, sections=(first, specific))
    assert figure.indicator == "国家监督抽查合格率"
    assert figure.target_year == 2014


def test_past_events_and_one_off_deadlines_are_not_target_years() -> None:
    text = "2013年成为首批示范城市。抽查合格率达到90%。"
    assert only(text).target_year is None
    text = "2014年6月前,全市机构全部完成上传。推进全市300余家单位实现达标。"
    assert only(text).target_year is None
    assert only("2014年底前申报并争取再获得1项国家鲁班奖。").target_year == 2014


def test_bad_input_raises_input_error_with_hint() -> None:
    with pytest.raises(InputError) as err:
        extract_figures("到2018年达到90%", ())  # type: ignore[arg-type]
    assert err.value.hint
    with pytest.raises(InputError):
        extract_figures(make_document("达到90%"), ("二、",))  # type: ignore[arg-type]


# --- the five corpus documents ---------------------------------------------------------


def _load(region: str) -> Document:
    path = CORPUS / REGION_FILES[region]
    raw = path.read_bytes()
    text = raw.decode("utf-8-sig")
    return Document(
        doc_id=region,
        source_name=path.name,
        text=text,
        title="",
        issuer="",
        doc_number="",
        date="",
        region=region,
        script=detect_script(text),  # type: ignore[arg-type]
        content_hash=hashlib.sha256(raw).hexdigest(),
    )


def _outline(text: str) -> tuple[Section, ...]:
    try:
        from qa.ingest.outline import parse_outline
    except ImportError:
        return ()
    return tuple(parse_outline(text))


@pytest.fixture(scope="module")
def corpus_figures() -> dict[str, list[Figure]]:
    figures = {}
    for region in REGION_FILES:
        document = _load(region)
        figures[region] = extract_figures(document, _outline(document.text))
    return figures


def test_corpus_figures_quote_their_span(corpus_figures: dict[str, list[Figure]]) -> None:
    for region, figures in corpus_figures.items():
        text = _load(region).text
        assert figures, region
        for figure in figures:
            assert text[figure.span[0] : figure.span[1]] == figure.text
            assert figure.value in figure.text
            assert figure.comparator in (*COMPARATORS, "")
        assert [f.span[0] for f in figures] == sorted(f.span[0] for f in figures)


def _matches(figure: Figure, target: dict[str, object]) -> bool:
    return (
        figure.value == target["value"]
        and figure.unit == target["unit"]
        and search_form(str(target["indicator_contains"])) in search_form(figure.indicator)
    )


def _match_targets(
    corpus_figures: dict[str, list[Figure]],
) -> tuple[list[dict[str, object]], list[tuple[dict[str, object], Figure]]]:
    targets = [json.loads(line) for line in TARGETS.read_text(encoding="utf-8").splitlines()]
    missed, matched = [], []
    used: set[tuple[str, int]] = set()
    for target in targets:
        region = str(target["doc"])
        hit = next(
            (
                (i, f)
                for i, f in enumerate(corpus_figures[region])
                if (region, i) not in used and _matches(f, target)
            ),
            None,
        )
        if hit is None:
            missed.append(target)
        else:
            used.add((region, hit[0]))
            matched.append((target, hit[1]))
    return missed, matched


def test_recall_on_hand_listed_targets(corpus_figures: dict[str, list[Figure]]) -> None:
    missed, matched = _match_targets(corpus_figures)
    assert len(matched) + len(missed) >= 40
    assert missed == [], f"recall {len(matched)}/{len(matched) + len(missed)}"


def test_target_years_of_hand_listed_targets(corpus_figures: dict[str, list[Figure]]) -> None:
    _, matched = _match_targets(corpus_figures)
    wrong = [(t, f.target_year) for t, f in matched if f.target_year != t["target_year"]]
    assert wrong == []


@pytest.mark.parametrize(
    ("region", "junk"),
    [
        ("厦门", {"114", "76", "12365", "12315", "12330", "96333", "2015", "27", "15"}),
        ("太原", {"50", "2014", "2020", "15", "8"}),
        ("阿拉善", {"2022", "07", "23", "09", "92", "2011", "2020", "十八"}),
        ("福建", {"12315", "12365"}),
        ("东莞", {"3", "9", "81", "2012", "4419000098", "19114884", "44190002000375", "12365"}),
    ],
)
def test_corpus_junk_is_not_extracted(
    corpus_figures: dict[str, list[Figure]], region: str, junk: set[str]
) -> None:
    values = {f.value for f in corpus_figures[region] if f.unit not in ("项", "%")}
    assert values.isdisjoint(junk), values & junk


def test_lead_departments_in_the_corpus(corpus_figures: dict[str, list[Figure]]) -> None:
    by_value = {(f.indicator, f.value): f.lead_department for f in corpus_figures["太原"]}
    assert by_value[("主要农产品质量安全抽查合格率", "95")] == "市食药监局"
    alxa = {f.indicator: f.lead_department for f in corpus_figures["阿拉善"]}
    assert alxa["森林覆蓋率"] == "盟林業局"
    assert all(f.lead_department == "" for f in corpus_figures["厦门"])


@pytest.mark.slow
def test_scale_corpus_keeps_invariants() -> None:
    """The largest laws: every figure verbatim at its span. (Speed is measured by the
    benchmark, not asserted here: a timed test fails on a busy or slower machine.)"""
    laws = SHARED / "scale-corpus" / "laws"
    if not laws.is_dir():
        pytest.skip(f"{laws} is absent (shared scale corpus not mounted)")
    paths = sorted(laws.rglob("*.md"), key=lambda p: p.stat().st_size, reverse=True)[:20]
    count = 0
    for path in paths:
        document = make_document(path.read_text(encoding="utf-8"))
        figures = extract_figures(document, _outline(document.text))
        count += len(figures)
        for figure in figures:
            assert document.text[figure.span[0] : figure.span[1]] == figure.text
            assert figure.value in figure.text
    assert count > 0
