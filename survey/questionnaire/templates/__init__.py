"""Built-in bilingual questionnaire templates, construct-bound where a model measures them.

:data:`TEMPLATES` maps a stable key to a :class:`Template` (name, description, builder). Every
builder returns a fresh, validated :class:`~survey.questionnaire.document.Questionnaire` written
in simplified Chinese and English:

``acsi_standard``       ACSI items of methodology §1, bound to the built-in ``acsi`` model
``ccsi_standard``       CCSI items, bound to the built-in ``ccsi`` model
``complaint_followup``  complaint follow-up items of methodology §3 (stable codes)
``kano_battery``        Kano pairs + importance for attributes the designer types
``nps_pulse``           NPS and two follow-ups
"""
from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from survey.questionnaire.document import Questionnaire, Texts
from survey.questionnaire.templates.acsi import ACSI_UNBOUND_CODES, acsi_standard
from survey.questionnaire.templates.ccsi import ccsi_standard
from survey.questionnaire.templates.complaint import (
    COMPLAINT_FOLLOWUP_CODES, JUSTICE_MODEL, complaint_followup,
)
from survey.questionnaire.templates.kano import SAMPLE_ATTRIBUTES, kano_battery
from survey.questionnaire.templates.nps import nps_pulse

__all__ = [
    "Template", "TEMPLATES", "acsi_standard", "ccsi_standard", "complaint_followup",
    "kano_battery", "nps_pulse", "ACSI_UNBOUND_CODES", "COMPLAINT_FOLLOWUP_CODES",
    "JUSTICE_MODEL", "SAMPLE_ATTRIBUTES",
]


@dataclass(frozen=True, slots=True)
class Template:
    """One entry of the template gallery.

    ``builder`` returns a new questionnaire. When ``needs_attributes`` is true (the Kano battery)
    it takes the attribute names as its first argument (a sequence of ``Texts``); otherwise it
    takes keyword options only (``subject=Texts(...)``).
    """

    key: str
    name: Texts
    description: Texts
    builder: Callable[..., Questionnaire]
    needs_attributes: bool = False

    def preview(self) -> Questionnaire:
        """Build the template with its defaults (sample attributes for the Kano battery)."""
        return self.builder(SAMPLE_ATTRIBUTES) if self.needs_attributes else self.builder()


TEMPLATES: Mapping[str, Template] = MappingProxyType({t.key: t for t in (
    Template(
        "acsi_standard", Texts("ACSI 标准问卷", "ACSI standard"),
        Texts("美国顾客满意指数的标准题项：顾客期望、感知质量、感知价值、顾客满意、投诉与忠诚，"
              "共 16 题，已绑定 ACSI 模型。",
              "The standard American Customer Satisfaction Index items: expectations, quality, "
              "value, satisfaction, complaints and loyalty; 16 questions bound to the ACSI model."),
        acsi_standard),
    Template(
        "ccsi_standard", Texts("CCSI 中国顾客满意指数问卷", "CCSI variant"),
        Texts("中国顾客满意指数题项：品牌形象、预期质量、感知质量、感知价值、满意度与忠诚，"
              "共 16 题，已绑定 CCSI 模型。",
              "The China customer satisfaction index items: brand image, expected quality, "
              "perceived quality, value, satisfaction and loyalty; 16 questions bound to the "
              "CCSI model."),
        ccsi_standard),
    Template(
        "complaint_followup", Texts("投诉处理回访", "Complaint follow-up"),
        Texts("回访投诉顾客：解决情况、首次解决、处理公正性、处理满意度、再次购买、"
              "口碑传播与 NPS。",
              "Follow up complainants: resolution, first-contact resolution, fairness of the "
              "handling, satisfaction with the resolution, repurchase, word of mouth and NPS."),
        complaint_followup),
    Template(
        "kano_battery", Texts("Kano 功能需求问卷", "Kano battery"),
        Texts("输入功能名称（中英文），自动生成正反向问题对和重要度评分。",
              "Type the feature names in Chinese and English; the functional/dysfunctional "
              "pairs and importance ratings are generated for you."),
        kano_battery, needs_attributes=True),
    Template(
        "nps_pulse", Texts("NPS 快速调查", "NPS pulse"),
        Texts("一题净推荐值加两道简短追问，一分钟即可完成。",
              "One Net Promoter question and two short follow-ups; takes a minute."),
        nps_pulse),
)})
