"""Analysis runs (start, follow, cancel, compare) and the bilingual executive dashboard."""
