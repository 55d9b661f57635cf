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
    # The scale of each index: on its card, its axes and its tables (issue 17: units everywhere).
    "scale_satisfaction": ("index 0–100", "指数 0–100"),
    "scale_loyalty": ("index 0–100", "指数 0–100"),
    "scale_nps": ("−100 to +100", "−100 至 +100"),
    "scale_word_of_mouth": ("net people told per complainant", "每位投诉者的净传播人数"),
    "scale_complaint_handling": ("mean rating 1–10", "平均评分 1–10"),
    "importance_axis": ("Importance (total effect: points gained per driver point)",
                        "重要性（总效应：驱动因素每提高 1 分带来的分数）"),
    "performance_axis": ("Performance (index 0–100, full scale)", "绩效（指数 0–100，完整量程）"),
    "trend_rule": ("Bars: 95% CI. ▲/▼: significant change from the previous run (the run's stored test, "
                   "else a z test on the two standard errors).",
                   "误差线：95% 置信区间。▲/▼：与上一次运行相比变化显著（采用该次运行存储的检验，否则采用基于两次标准误的 z 检验）。"),
    "trend_table": ("{metric} in this and earlier comparable runs ({scale})", "{metric}：本次及此前可比运行（{scale}）"),
    "change_from_previous": ("Change", "变化"),
    "test": ("Test", "检验"),
    "p_holm": ("p (Holm)", "p（Holm 校正）"),
    "first_point": ("first run shown", "首个显示的运行"),
    "driver": ("Driver", "驱动因素"),
    "coefficient": ("Coefficient", "系数"),
    "from": ("From", "自"),
    "to": ("To", "至"),
    "attribute": ("Attribute", "属性"),
    "category": ("Category", "类别"),
    "n": ("n", "n"),
    "figure_data": ("The numbers behind the chart", "图表数据"),
    # Footnote texts (reports.view_model._footnotes stores parameters; footnote_text writes them).
    "fn_method": ("{method}, seed {seed}", "{method}，随机种子 {seed}"),
    "fn_bootstrap_failed": ("{resamples}; failed: {failures}", "{resamples}；失败：{failures}"),
    "fn_open": ("…", "…"),
    "fn_weights_attribute": ("attribute {name}", "权重属性 {name}"),
    "fn_weights_margins": ("raked to {names}", "按 {names} 迭代加权（raking）"),
    "fn_weights_n": ("effective n {n} (weights {low}–{high})", "有效样本量 {n}（权重 {low}–{high}）"),
    "fn_suppression": ("n < {min_shown}: suppressed; n < {min_reliable} or relative SE ≥ {rse}: unreliable",
                       "n < {min_shown}：隐藏；n < {min_reliable} 或相对标准误 ≥ {rse}：不可靠"),
    "fn_validity": ("loading ≥ {loading}, α ≥ {alpha}, ρA ≥ {rho_a}, ρC {rho_c_min}–{rho_c_max}, AVE ≥ {ave}, "
                    "HTMT < {htmt}, VIF < {vif}",
                    "载荷 ≥ {loading}，α ≥ {alpha}，ρA ≥ {rho_a}，ρC {rho_c_min}–{rho_c_max}，AVE ≥ {ave}，"
                    "HTMT < {htmt}，VIF < {vif}"),
    "fn_tarp": ("people told by a satisfied complainant {reach_satisfied}, by a dissatisfied one "
                "{reach_dissatisfied}; resolution top box {top_box}; told many ≥ {many_told}",
                "满意的投诉者告诉 {reach_satisfied} 人，不满意的告诉 {reach_dissatisfied} 人；"
                "解决评分最高分 {top_box}；“告诉很多人”≥ {many_told}"),
    "fn_separator": ("; ", "；"),
    "fn_list": (", ", "、"),
    # Validity criteria (names stored by acsi.validity).
    "criterion_loading": ("Outer loading", "外部载荷"),
    "criterion_cronbach_alpha": ("Cronbach's α", "Cronbach α 系数"),
    "criterion_rho_a": ("Reliability ρA", "信度 ρA"),
    "criterion_rho_c": ("Composite reliability ρC", "组合信度 ρC"),
    "criterion_AVE": ("Average variance extracted (AVE)", "平均方差提取量 (AVE)"),
    "criterion_fornell_larcker": ("Fornell–Larcker criterion", "Fornell–Larcker 准则"),
    "criterion_HTMT": ("Heterotrait–monotrait ratio (HTMT)", "异质-单质比 (HTMT)"),
    "criterion_outer_VIF": ("Item collinearity (VIF)", "题项共线性 (VIF)"),
    "criterion_inner_VIF": ("Structural collinearity (VIF)", "结构模型共线性 (VIF)"),
    "criterion_R2": ("Explained variance R²", "解释方差 R²"),
    "criterion_f2": ("Effect size f²", "效应量 f²"),
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


def scaled_label(metric: str, locale: str) -> str:
    """An index's name with its scale: "Net Promoter Score (−100 to +100)" / "净推荐值 (NPS)（−100 至 +100）"."""
    text = labels(locale)
    return (f"{text[f'card_{metric}']} ({text[f'scale_{metric}']})" if locale == "en"
            else f"{text[f'card_{metric}']}（{text[f'scale_{metric}']}）")


def criterion_label(name: str, locale: str) -> str:
    """Display name of a validity criterion ("cronbach_alpha" -> "Cronbach α 系数"); unknown
    names as stored."""
    return labels(locale).get(f"criterion_{name}", name)


def threshold_text(rule: str) -> str:
    """A stored validity rule (">= 0.708", "0.7-0.95") with mathematical signs ("≥ 0.708", "0.7–0.95")."""
    rule = rule.replace(">=", "≥").replace("<=", "≤")
    low, sep, high = rule.partition("-")
    return f"{low}–{high}" if sep and low and high and not rule.startswith("-") else rule


def validity_subject(subject: str, locale: str) -> str:
    """A criterion's subject: a construct, an item, "a/b" (a construct pair) or "a -> b" (a
    path), with construct names in ``locale``."""
    for separator, shown in ((" -> ", " → "), ("/", " / ")):
        if separator in subject:
            return shown.join(construct_label(part.strip(), locale) for part in subject.split(separator))
    return construct_label(subject, locale)


def _decimal(value: float, digits: int = 2) -> str:
    return f"{value:.{digits}f}"


def footnote_text(key: str, params: Mapping[str, object], locale: str) -> str:
    """The text of a report footnote (:class:`reports.view_types.Footnote`) in ``locale``."""
    text = labels(locale)
    p = dict(params)
    if key == "model":
        return str(p["model"])
    if key == "method":
        return text["fn_method"].format(method=str(p["method"]).upper(), seed=p["seed"])
    if key == "bootstrap":
        failures = p.get("failures") or ()
        if not failures:
            return str(p["resamples"])
        listed = text["fn_list"].join(f"{segment_label(str(segment), locale)} {failed}/{total}"
                                      for segment, failed, total in failures)
        return text["fn_bootstrap_failed"].format(resamples=p["resamples"], failures=listed)
    if key == "period":
        return f"{p.get('from') or text['fn_open']} – {p.get('to') or text['fn_open']}"
    if key == "weights":
        parts = []
        if p.get("attribute"):
            parts.append(text["fn_weights_attribute"].format(name=p["attribute"]))
        if p.get("margins"):
            parts.append(text["fn_weights_margins"].format(names=text["fn_list"].join(map(str, p["margins"]))))
        parts.append(text["fn_weights_n"].format(n=f"{float(p['n_effective']):,.1f}", low=_decimal(float(p["min"])),
                                                 high=_decimal(float(p["max"]))))
        return text["fn_separator"].join(parts)
    if key == "suppression_rule":
        return text["fn_suppression"].format(min_shown=p["min_shown"], min_reliable=p["min_reliable"],
                                             rse=f"{float(p['max_relative_se']):.0%}")
    if key == "validity_thresholds":
        return text["fn_validity"].format(**p)
    if key == "index_weights":
        return text["fn_separator"].join(
            construct_label(str(construct), locale) + (": " if locale == "en" else "：") + ", ".join(f"{item} {weight:.2f}" for item, weight in items)
            for construct, items in p["indices"])
    if key == "tarp":
        return text["fn_tarp"].format(**p)
    raise ValueError(f"footnote {key!r} has no text")
