"""Questionnaire documents: the model, its logic language, templates and interchange."""
