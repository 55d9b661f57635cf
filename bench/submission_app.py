"""The app as served, plus one bare endpoint that inserts one JSON row — the baseline the
submission benchmark compares against (same process model, same database, same run)."""
from __future__ import annotations

from flask import Blueprint, request
from sqlalchemy import text

from survey.app import create_app, csrf
from survey.auth.roles import public
from survey.db import get_session

bare = Blueprint("bench_bare", __name__)


@bare.route("/bench/bare", methods=["POST"])
@public
def bare_insert():
    session = get_session()
    session.execute(text("INSERT INTO bench_rows (body) VALUES (:body)"), {"body": request.get_data(as_text=True)})
    session.commit()
    return {"ok": True}, 201


app = create_app()
csrf.exempt(bare)
app.register_blueprint(bare)
