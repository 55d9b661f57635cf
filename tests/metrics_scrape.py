"""Reading /metrics in tests: the token the tests configure and the samples of one scrape."""
from __future__ import annotations

from prometheus_client.parser import text_string_to_metric_families

TOKEN = "metrics-token-for-tests-0123456789abcdef"
AUTH = {"Authorization": f"Bearer {TOKEN}"}


class Scrape:
    """The samples of one /metrics answer: ``scrape.value(name, **labels)`` sums the samples
    with that name and those labels (0 when there are none)."""

    def __init__(self, text: str) -> None:
        self.samples = [sample for family in text_string_to_metric_families(text) for sample in family.samples]

    def value(self, name: str, **labels: str) -> float:
        return sum(s.value for s in self.samples
                   if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()))
