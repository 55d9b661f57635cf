from __future__ import annotations

import time

from sqlalchemy.orm import Session

from survey.db import make_engine
from survey.services import live_cache
from survey.services.live_cache import LiveCache, forget


def test_entries_expire_after_their_window() -> None:
    cache: LiveCache[str] = LiveCache(seconds=0.2)
    cache.put("k", "v")
    assert cache.get("k") == "v"
    time.sleep(0.25)
    assert cache.get("k") is None


def test_caches_belong_to_a_database_and_forget_empties_them_all(tmp_path, monkeypatch) -> None:
    monkeypatch.setattr(live_cache, "LIVE_SECONDS", 60.0)
    first = make_engine(f"sqlite:///{tmp_path / 'a.sqlite3'}")
    second = make_engine(f"sqlite:///{tmp_path / 'b.sqlite3'}")
    with Session(first) as a, Session(second) as b:
        live_cache.live_cache(a, "versions").put(1, "version of database a")
        assert live_cache.live_cache(b, "versions").get(1) is None  # ids start again per database
        assert live_cache.live_cache(a, "versions").get(1) == "version of database a"
        live_cache.live_cache(b, "versions").put(1, "version of database b")
        live_cache.live_cache(a, "tokens").put("t", "grant")
        forget("versions")
        assert live_cache.live_cache(a, "versions").get(1) is None
        assert live_cache.live_cache(b, "versions").get(1) is None
        assert live_cache.live_cache(a, "tokens").get("t") == "grant"  # another cache is kept
    first.dispose()
    second.dispose()
