"""XLSForm import (through pyxform) and export (xlsx through openpyxl).

``import_xlsform(data, filename=…)`` checks the upload (size, a real workbook or UTF-8 CSV), lets
pyxform parse and validate it, keeps pyxform's warnings for the designer, and maps the result
onto a ``Questionnaire``. It returns an ``ImportResult`` or raises ``QuestionnaireImportError``;
nothing is stored either way. ``export_xlsform(q)`` writes an xlsx workbook pyxform accepts. The
mapping both ways, including the ``xinsheng_type``/``xinsheng_settings`` columns that make the
round trip lossless, is documented in ``docs/questionnaire-json.md`` (section "XLSForm").
"""

from __future__ import annotations

from survey.questionnaire.xlsform.common import ImportResult, QuestionnaireExportError, QuestionnaireImportError
from survey.questionnaire.xlsform.exporter import FormIdentity, export_xlsform
from survey.questionnaire.xlsform.importer import import_xlsform
from survey.questionnaire.xlsform.upload import MAX_UNCOMPRESSED_BYTES, MAX_UPLOAD_BYTES

__all__ = ["FormIdentity", "ImportResult", "MAX_UNCOMPRESSED_BYTES", "MAX_UPLOAD_BYTES", "QuestionnaireExportError",
           "QuestionnaireImportError", "export_xlsform", "import_xlsform"]
