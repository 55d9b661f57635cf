"""Reshaping pyxform's parsed form before the import maps it: loops unrolled into groups, and
the media (images, audio, video) a label or choice refers to, which Xinsheng does not import.

Pure functions over pyxform's dictionaries; the importer warns about what they report."""
from __future__ import annotations

#: XLSForm types whose answers a respondent can type into a short text box on the web, as
#: Enketo's own widgets allow (coordinates by hand, a barcode's digits).
TEXT_FALLBACK_TYPES: dict[str, str] = {
    "geopoint": "a location", "gps": "a location", "barcode": "a barcode",
}


def fill_label(label: object, column_label: object) -> object:
    """A loop child's label with pyxform's ``%(label)s`` replaced by the column's label, in
    every language the child's label has (a plain column label serves every language)."""
    def column_text(language: str) -> str:
        if isinstance(column_label, dict):
            return str(column_label.get(language, next(iter(column_label.values()), "")))
        return "" if column_label is None else str(column_label)

    if isinstance(label, dict):
        return {language: str(text).replace("%(label)s", column_text(language))
                for language, text in label.items()}
    if label is None:
        return None
    return str(label).replace("%(label)s", column_text("default"))


def unroll_loop(loop: dict) -> list[dict]:
    """One group per column of a pyxform ``loop`` (as the XForm itself repeats the loop's
    questions per column): group ``<loop>_<column>`` titled with the column's label, holding the
    loop's questions renamed ``<question>_<column>``."""
    name = str(loop.get("name", ""))
    groups = []
    for column in loop.get("columns", []):
        column_name, column_label = str(column.get("name", "")), column.get("label")
        children = [{**child, "name": f"{child.get('name', '')}_{column_name}",
                     "label": fill_label(child.get("label"), column_label)}
                    for child in loop.get("children", [])]
        groups.append({"type": "group", "name": f"{name}_{column_name}",
                       "label": column_label if column_label is not None else column_name,
                       "bind": loop.get("bind", {}), "children": children})
    return groups


def media_files(node: dict) -> list[str]:
    """The media files (image, audio, video, big-image) a question or choice refers to."""
    found: list[str] = []
    for kind, value in sorted((node.get("media") or {}).items()):
        files = value.values() if isinstance(value, dict) else [value]
        found.extend(f"{kind} {file!r}" for file in files if file)
    return found
