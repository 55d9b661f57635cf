"""Respondent pages: public links and personal invitations, page by page, save and resume."""
