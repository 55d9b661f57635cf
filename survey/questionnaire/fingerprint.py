"""A fingerprint of a questionnaire document: equal documents have equal fingerprints, and any
change (a text, a rule, an order) gives another one. Used to tell whether a draft is still as an
edit left it."""
from __future__ import annotations

import hashlib
import json

from survey.questionnaire.document import Questionnaire
from survey.questionnaire.jsonio import to_json


def document_fingerprint(document: Questionnaire) -> str:
    """The SHA-256 (64 hexadecimal digits) of ``document``'s canonical JSON (sorted keys)."""
    text = json.dumps(to_json(document), sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
