"""QR codes of the public and personal links decode to those links (read back with zxing-cpp)."""
from __future__ import annotations

import io
import xml.etree.ElementTree as ET

import pytest
import zxingcpp
from PIL import Image
from sqlalchemy import select

from models import Invitation, Questionnaire
from survey.db import get_session
from survey.questionnaire.templates import acsi_standard
from survey.services.invitations import import_invitations
from survey.services.qr_codes import qr_code
from survey.services.questionnaires import create_questionnaire, publish


def decoded(png: bytes) -> str:
    (found,) = zxingcpp.read_barcodes(Image.open(io.BytesIO(png)))
    return found.text


@pytest.fixture
def questionnaire_id(app) -> int:
    with app.app_context():
        session = get_session()
        version = publish(session, create_questionnaire(session, acsi_standard()))
        report = import_invitations(session, version.questionnaire_id, "list.csv",
                                    "customer_ref,language\nC1,zh_CN\n".encode())
        assert report.ok
        session.commit()
        return version.questionnaire_id


def test_the_public_links_qr_code_reads_back_as_the_stable_link(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    with app.app_context():
        token = get_session().get(Questionnaire, questionnaire_id).public_token
    png = client.get(f"/invitations/{questionnaire_id}/qr.png")
    assert png.status_code == 200 and png.mimetype == "image/png"
    assert decoded(png.data) == f"http://127.0.0.1:5000/s/{token}"  # the configured address, never the Host
    svg = client.get(f"/invitations/{questionnaire_id}/qr.svg")
    assert svg.mimetype == "image/svg+xml"
    root = ET.fromstring(svg.data)
    assert root.tag.endswith("svg") and f"/s/{token}" in svg.get_data(as_text=True)
    page = client.get(f"/invitations/{questionnaire_id}?lang=zh_CN").get_data(as_text=True)
    assert f"/invitations/{questionnaire_id}/qr.svg" in page and "二维码" in page


def test_a_personal_links_qr_code_reads_back_as_that_link(app, client, login_as, questionnaire_id) -> None:
    login_as("designer")
    with app.app_context():
        invitation = get_session().scalars(select(Invitation)).one()
        invitation_id, token = invitation.id, invitation.token
    png = client.get(f"/invitations/{questionnaire_id}/invitation/{invitation_id}/qr.png")
    assert decoded(png.data) == f"http://127.0.0.1:5000/s/i/{token}"
    assert client.get(f"/invitations/{questionnaire_id + 1}/invitation/{invitation_id}/qr.png").status_code == 404
    assert client.get(f"/invitations/{questionnaire_id}/qr.gif").status_code == 404


def test_qr_codes_are_for_designers(client, login_as, questionnaire_id) -> None:
    login_as("analyst")
    assert client.get(f"/invitations/{questionnaire_id}/qr.png").status_code == 403


def test_the_qr_module_names_a_bad_format() -> None:
    with pytest.raises(ValueError, match="'gif' is not one of svg, png"):
        qr_code("https://example.org/s/x", "gif")  # type: ignore[arg-type]
