"""A questionnaire holding one question of each registered type (survey/questionnaire/types),
shared by their tests (document, collect, exports, interchange, browser)."""
from __future__ import annotations

from survey.questionnaire import document as doc
from survey.questionnaire.types.constant_sum import ConstantSumSettings
from survey.questionnaire.types.date_time import DateTimeSettings
from survey.questionnaire.types.ranking import RankingSettings
from survey.questionnaire.types.slider import SliderSettings
from survey.questionnaire.types.time_of_day import TimeSettings

T = doc.Texts
FRUITS = (doc.Choice("apple", T("苹果", "Apple")), doc.Choice("pear", T("梨", "Pear")),
          doc.Choice("plum", T("李子", "Plum")))


def registered_questions() -> tuple[doc.Question, ...]:
    return (
        doc.Question("wake", "time", T("您几点起床？", "When do you get up?"), required=True,
                     settings=TimeSettings("05:00", "12:00")),
        doc.Question("visit", "datetime", T("您何时到店？", "When did you visit?"),
                     settings=DateTimeSettings("2026-01-01T00:00", None)),
        doc.Question("effort", "slider", T("办理有多省力？", "How easy was it?"),
                     settings=SliderSettings(0, 100, 5, T("很费力", "Very hard"), T("很省力", "Very easy"))),
        doc.Question("fav", "ranking", T("请给水果排序", "Rank the fruit"), choices=FRUITS,
                     settings=RankingSettings()),
        doc.Question("budget", "constant_sum", T("请分配预算", "Share the budget"), choices=FRUITS,
                     settings=ConstantSumSettings(100)),
    )


def registered_document() -> doc.Questionnaire:
    return doc.Questionnaire(T("新题型", "New types"), (
        doc.Page("p1", T("第一页", "Page 1"), registered_questions()),
        doc.Page("p2", T("第二页", "Page 2"), (
            doc.Question("why", "text", T("为什么？", "Why?"), show_if="effort < 50"),
        )),
    ))


#: A valid posted first page (the rank selects post '<choice>:<rank>').
VALID_POST = {"wake": "07:30", "visit": "2026-03-04T18:05", "effort": "55",
              "fav": ["apple:2", "pear:3", "plum:1"],
              "budget_apple": "50", "budget_pear": "", "budget_plum": "50"}
#: What it stores.
VALID_ANSWERS = {"wake": "07:30", "visit": "2026-03-04T18:05", "effort": 55,
                 "fav": ["plum", "apple", "pear"],
                 "budget_apple": 50, "budget_pear": 0, "budget_plum": 50}
