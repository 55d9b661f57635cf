"""The bilingual label table of reports (zh_CN / en), usable outside Flask (no gettext).

``labels(locale)`` -> a read-only ``{key: text}`` mapping; ``construct_label(name, locale)``
-> the display name of a model construct (falls back to the name itself). Raises ValueError
for an unknown locale.
"""
from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import Literal

from acsi.spec import CONSTRUCT_LABELS

Locale = Literal["zh_CN", "en"]
LOCALES: tuple[str, ...] = ("zh_CN", "en")

_TABLE: dict[str, tuple[str, str]] = {  # key: (en, zh_CN)
    "report_title": ("Customer satisfaction report", "顾客满意度报告"),
    "run": ("Analysis run", "分析运行"),
    "generated": ("Generated", "生成时间"),
    "respondents": ("Respondents", "受访者"),
    "index_cards": ("Key indices", "核心指数"),
    "summary": ("Summary", "摘要"),
    "card_satisfaction": ("ACSI satisfaction", "ACSI 顾客满意度"),
    "card_loyalty": ("Loyalty", "顾客忠诚"),
    "card_nps": ("Net Promoter Score", "净推荐值 (NPS)"),
    "card_word_of_mouth": ("Word of mouth", "口碑"),
    "card_complaint_handling": ("Complaint handling", "投诉处理"),
    "ci": ("95% CI", "95% 置信区间"),
    "no_ci": ("no CI (run without bootstrap)", "无置信区间（未做自助法）"),
    "not_measured": ("not measured in this run", "本次运行未测量"),
    "suppressed": ("suppressed (too few answers)", "样本过少，已隐藏"),
    "unreliable": ("unreliable (small n or large SE)", "不可靠（样本小或标准误大）"),
    "change": ("vs previous run", "较上次运行"),
    "no_previous": ("no previous run", "无上次运行"),
    "inadmissible_fit": ("inadmissible fit: not comparable, left out of roll-ups",
                     "模型解不可接受：不可比较，不计入汇总"),
    "ci_unreliable": ("CI unreliable: under 90% of bootstrap resamples succeeded",
                      "置信区间不可靠：成功的自助重抽样不足 90%"),
    "vs_rest": ("vs the rest", "与其余受访者相比"),
    "mark_higher": ("higher than the rest", "高于其余"),
    "mark_lower": ("lower than the rest", "低于其余"),
    "mark_none": ("no significant difference", "无显著差异"),
    "not_tested": ("not tested", "未检验"),
    "not_comparable": ("not comparable: measured differently here (MICOM)", "不可比较：该群体的测量方式不同（MICOM）"),
    "driver_differences": ("Drivers that differ between a segment and the rest (permutation MGA, Holm p < 0.05)",
                           "与其余样本相比驱动因素存在差异的细分群体（置换多组分析，Holm 校正 p < 0.05）"),
    "path": ("Path", "路径"),
    "in_segment": ("In the segment", "该细分群体"),
    "in_rest": ("In the rest", "其余样本"),
    "segment_test_rule": ("▲/▼: differs from the rest of the sample (Holm-adjusted p < 0.05; permutation "
                          "test for model indices, z test for NPS)",
                          "▲/▼：与其余样本差异显著（Holm 校正 p < 0.05；模型指数用置换检验，NPS 用 z 检验）"),
    "significant": ("significant change", "显著变化"),
    "not_significant": ("not significant", "不显著"),
    "significance_unknown": ("significance not testable", "无法检验显著性"),
    "change_overlap": ("change not tested: the two runs share respondents (compare separate periods)",
                       "变化未检验：两次运行包含相同的受访者（请比较不重叠的时段）"),
    "change_not_comparable": ("change not tested: measured differently in the two runs (MICOM)",
                              "变化未检验：两次运行的测量方式不同（MICOM）"),
    "change_test_permutation": ("permutation test", "置换检验"),
    "change_test_nps_z": ("z test", "z 检验"),
    "change_test_two_proportion_z": ("two-proportion z test", "两比例 z 检验"),
    "change_test_welch_t": ("Welch's t test", "Welch t 检验"),
    "change_test_z_se": ("z test on the two runs' standard errors", "基于两次运行标准误的 z 检验"),
    "segments": ("Segment comparison", "细分群体比较"),
    "segment": ("Segment", "细分群体"),
    "all_respondents": ("All respondents", "全部受访者"),
    "value": ("Value", "数值"),
    "trend": ("Trend across runs", "历次运行趋势"),
    "ipma": ("Importance–performance map (IPMA)", "重要性–绩效矩阵 (IPMA)"),
    "importance": ("Importance (total effect)", "重要性（总效应）"),
    "performance": ("Performance (index 0–100)", "绩效（指数 0–100）"),
    "kano_better_worse": ("Kano Better–Worse", "Kano 满意–不满意系数"),
    "kano_categories": ("Kano categories", "Kano 类别分布"),
    "better": ("Better (satisfaction if present)", "满意系数 Better"),
    "worse": ("|Worse| (dissatisfaction if absent)", "不满意系数 |Worse|"),
    "kano_A": ("Attractive", "魅力属性"),
    "kano_O": ("One-dimensional", "期望属性"),
    "kano_M": ("Must-be", "必备属性"),
    "kano_I": ("Indifferent", "无差异属性"),
    "kano_R": ("Reverse", "反向属性"),
    "kano_Q": ("Questionable", "可疑结果"),
    "share": ("Share", "占比"),
    "path_diagram": ("Path model", "路径模型"),
    "complaints": ("Complaint handling", "投诉处理"),
    "handling_top_box": ("Handling top box", "处理满意（最高分）"),
    "resolution_rate": ("Resolved", "已解决"),
    "first_contact_resolution": ("First-contact resolution", "首次联系解决"),
    "complaint_rate": ("Complaint rate", "投诉率"),
    "purchase_change_title": ("Purchase intention after the complaint", "投诉后的购买意向"),
    "purchase_more": ("Buy more", "增加购买"),
    "purchase_same": ("Buy the same", "购买不变"),
    "purchase_less": ("Buy less", "减少购买"),
    "purchase_stop": ("Stop buying", "停止购买"),
    "validity": ("Model validity", "模型效度"),
    "criterion": ("Criterion", "指标"),
    "subject": ("Subject", "对象"),
    "threshold": ("Rule", "标准"),
    "passed": ("passed", "通过"),
    "failed": ("FAILED", "未通过"),
    "not_applicable": ("—", "—"),
    "inadmissible": ("Inadmissible solution", "解不可接受"),
    "footnotes": ("Settings used", "所用设置"),
    "weights": ("Respondent weights", "受访者权重"),
    "model": ("Model", "模型"),
    "method": ("Method", "估计方法"),
    "bootstrap": ("Bootstrap resamples", "自助法重抽样次数"),
    "period": ("Period", "时间范围"),
    "suppression_rule": ("Suppression rule (NCHS)", "数据隐藏规则（NCHS）"),
    "validity_thresholds": ("Validity thresholds", "效度阈值"),
    "index_weights": ("Index weights", "指数权重"),
    "tarp": ("TARP word-of-mouth constants", "TARP 口碑常数"),
    "skipped": ("Model not estimated", "模型未估计"),
    "not_in_run": ("This run has no results for this section.", "本次运行没有此部分结果。"),
}

_BY_LOCALE: dict[str, Mapping[str, str]] = {
    "en": MappingProxyType({k: en for k, (en, _zh) in _TABLE.items()}),
    "zh_CN": MappingProxyType({k: zh for k, (_en, zh) in _TABLE.items()}),
}


def check_locale(locale: str) -> Locale:
    """``locale`` if supported; raises ValueError naming it and the supported ones."""
    if locale not in _BY_LOCALE:
        raise ValueError(f"locale {locale!r} is not one of {', '.join(LOCALES)}")
    return locale  # type: ignore[return-value]


def labels(locale: str) -> Mapping[str, str]:
    """The read-only label mapping of ``locale`` ("zh_CN" or "en")."""
    return _BY_LOCALE[check_locale(locale)]


def construct_label(name: str, locale: str) -> str:
    """Display name of construct ``name`` ("satisfaction" -> "顾客满意度" in zh_CN)."""
    pair = CONSTRUCT_LABELS.get(name)
    if pair is None:
        return name
    return pair[1] if check_locale(locale) == "zh_CN" else pair[0]


# Segment attributes the invitation uploads name most often (issue: region, product, channel,
# tier, current value, growth potential, lifecycle stage), and the lifecycle stages of
# acsi.segments.LIFECYCLE_STAGES. Other attribute names and values are shown as they are.
SEGMENT_DIMENSIONS: dict[str, tuple[str, str]] = {  # name: (en, zh_CN)
    "region": ("Region", "地区"), "product": ("Product", "产品"), "channel": ("Channel", "渠道"),
    "tier": ("Tier", "客户等级"), "current_value": ("Current value", "当前价值"),
    "growth_potential": ("Growth potential", "增长潜力"), "lifecycle_stage": ("Lifecycle stage", "生命周期阶段"),
    "segment": ("Segment", "细分群体"),
}
SEGMENT_VALUES: dict[tuple[str, str], tuple[str, str]] = {  # (dimension, value): (en, zh_CN)
    ("lifecycle_stage", "new"): ("New", "新客户"), ("lifecycle_stage", "growing"): ("Growing", "成长期"),
    ("lifecycle_stage", "stable"): ("Stable", "稳定期"), ("lifecycle_stage", "declining"): ("Declining", "衰退期"),
    # Compass regions and membership tiers, the codes CRM exports (and the demo) use most.
    ("region", "north"): ("North", "北区"), ("region", "south"): ("South", "南区"),
    ("region", "east"): ("East", "东区"), ("region", "west"): ("West", "西区"),
    ("tier", "platinum"): ("Platinum", "白金"), ("tier", "gold"): ("Gold", "金卡"),
    ("tier", "silver"): ("Silver", "银卡"), ("tier", "bronze"): ("Bronze", "铜卡"),
}


def pick(names: tuple[str, str] | list[str] | None, locale: str, fallback: str) -> str:
    """The ``locale`` text of a stored ``(zh_CN, en)`` pair, else the other one, else ``fallback``."""
    if not names:
        return fallback
    zh, en = names
    first, second = (zh, en) if check_locale(locale) == "zh_CN" else (en, zh)
    return first or second or fallback


def segment_label(label: str, locale: str, value_names: tuple[str, str] | list[str] | None = None) -> str:
    """Display text of segment ``label`` ("all" or "dimension=value"), e.g. "地区：north" /
    "Region: north". The value is named by ``value_names`` (zh_CN, en) — the choice labels of
    the questionnaire's profile question, stored with the run — else by the table above, else
    shown as stored."""
    if label == "all":
        return labels(locale)["all_respondents"]
    dimension, sep, value = label.partition("=")
    if not sep:
        return label
    en = check_locale(locale) == "en"
    dimension_text = SEGMENT_DIMENSIONS.get(dimension, (dimension, dimension))[0 if en else 1]
    known = SEGMENT_VALUES.get((dimension, value))
    value_text = pick(value_names, locale, known[0 if en else 1] if known else value)
    return f"{dimension_text}: {value_text}" if en else f"{dimension_text}：{value_text}"
