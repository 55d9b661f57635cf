"""Xinsheng web layer and questionnaire domain."""
