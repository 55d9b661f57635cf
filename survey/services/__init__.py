"""Use cases: a SQLAlchemy Session in, models or results out. No Flask request objects here."""
