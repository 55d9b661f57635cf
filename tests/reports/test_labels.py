from __future__ import annotations

import pytest

from reports.labels import pick, segment_label


@pytest.mark.parametrize("label, locale, names, expected", [
    ("all", "en", None, "All respondents"),
    ("all", "zh_CN", None, "全部受访者"),
    ("region=guangdong", "en", None, "Region: guangdong"),  # a known attribute; the value as stored
    ("region=guangdong", "zh_CN", None, "地区：guangdong"),
    ("region=east", "zh_CN", None, "地区：东区"),  # common codes from the table
    ("tier=gold", "zh_CN", None, "客户等级：金卡"),
    ("tier=gold", "en", None, "Tier: Gold"),
    ("lifecycle_stage=growing", "zh_CN", None, "生命周期阶段：成长期"),
    ("lifecycle_stage=growing", "en", None, "Lifecycle stage: Growing"),
    ("region=north", "zh_CN", ("北方", "North"), "地区：北方"),  # the questionnaire's choice label
    ("region=north", "en", ("北方", "North"), "Region: North"),
    ("region=north", "en", ("北方", ""), "Region: 北方"),  # only one language given: that one
    ("store_type=mall", "en", None, "store_type: mall"),  # unknown attribute: as uploaded
    ("store_type=mall", "zh_CN", None, "store_type：mall"),
    ("odd", "en", None, "odd"),
])
def test_segment_labels(label, locale, names, expected) -> None:
    assert segment_label(label, locale, names) == expected


def test_pick_falls_back_and_rejects_unknown_locales() -> None:
    assert pick(None, "en", "code") == "code"
    assert pick(["", ""], "zh_CN", "code") == "code"
    assert pick(["中文", "English"], "zh_CN", "code") == "中文"
    with pytest.raises(ValueError, match="locale 'fr'"):
        segment_label("region=east", "fr")
