from __future__ import annotations

from survey.questionnaire.document import (
    Choice, KanoSettings, Page, Question, Questionnaire, Texts,
)
from survey.services.analysis_pipeline import AnalysisParameters, display_names, plan_analysis


def test_display_names_come_from_the_questionnaire_in_both_languages() -> None:
    t = Texts
    document = Questionnaire(t("问卷", "Survey"), (Page("p", t("页", "Page"), (
        Question("region", "single_choice", t("您在哪个地区？", "Which region?"),
                 choices=(Choice("north", t("北方", "North")), Choice("south", t("南方", "South")))),
        Question("wifi", "kano", t("无线网络", "Wi-Fi"), settings=KanoSettings(attribute=t("免费无线网络", "free Wi-Fi"))),
        Question("parking", "kano", t("停车", "Parking")),  # no attribute name: the question text
    )),))
    plan = plan_analysis(document, AnalysisParameters(version_ids=(1,)))
    names = display_names(document, plan, ["all", "region=north", "region=west", "tier=gold"])
    assert names == {
        "region=north": ["北方", "North"],  # a value the profile question offers
        "kano:free Wi-Fi": ["免费无线网络", "free Wi-Fi"],  # keyed by the attribute as stored
        "kano:parking": ["停车", "Parking"],
    }
