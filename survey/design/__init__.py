"""Questionnaire design for CX teams: pages, commands."""
