"""links.csv escapes formula-like cells by the exports' one rule (line feeds and spaces too)."""
from __future__ import annotations

import csv
import io

from models import Invitation
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.questionnaires import create_questionnaire, publish


def test_links_csv_escapes_a_formula_behind_a_line_feed(app, client, login_as) -> None:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        for number, ref in enumerate(["\n=HYPERLINK(\"https://evil.example\")", " @SUM(1)", "C-3"]):
            session.add(Invitation(questionnaire_id=version.questionnaire_id, token=f"t{number}",
                                   customer_ref=ref, language="en", segment={}))
        session.commit()
        questionnaire_id = version.questionnaire_id
    login_as("designer")
    reply = client.get(f"/invitations/{questionnaire_id}/links.csv")
    rows = list(csv.reader(io.StringIO(reply.get_data(as_text=True).lstrip("\ufeff"), newline="")))
    refs = sorted(row[0] for row in rows[1:])
    assert refs == sorted(["'\n=HYPERLINK(\"https://evil.example\")", "' @SUM(1)", "C-3"])
