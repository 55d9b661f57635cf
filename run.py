"""The one module-level app, for gunicorn (``gunicorn run:app``) and ``flask --app run``."""
from survey.app import create_app

app = create_app()
