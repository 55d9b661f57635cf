"""Pure analytics for Xinsheng: ACSI structural-equation models, Kano, NPS, word of mouth,
complaint indices and segment statistics.

Nothing in this package imports Flask, SQLAlchemy or touches files: data goes in as pandas
DataFrames / numpy arrays, results come out as frozen dataclasses.
"""
