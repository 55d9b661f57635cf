"""Short-lived, per-process caches for what every API call would otherwise read again.

An API submission needs the caller's token and the questionnaire's current published version;
reading both from the database on every call doubled its cost. Each worker process keeps them
for :data:`LIVE_SECONDS`. The process that changes one (revoking a token, publishing a version,
archiving a questionnaire) clears its own caches at once; other processes see the change within
:data:`LIVE_SECONDS`.

Caches belong to a database engine (:func:`live_cache`), so two apps in one process (or a test
database emptied between tests, whose ids start again at 1) never see each other's entries.
"""
from __future__ import annotations

from collections.abc import Hashable
from threading import Lock
from time import monotonic
from typing import Generic, TypeVar
from weakref import WeakKeyDictionary

from cachetools import TTLCache
from sqlalchemy.orm import Session

LIVE_SECONDS = 2.0
V = TypeVar("V")


class LiveCache(Generic[V]):
    """A thread-safe TTL cache (``LIVE_SECONDS``, at most ``maxsize`` entries)."""

    def __init__(self, maxsize: int = 1024, seconds: float | None = None) -> None:
        ttl = LIVE_SECONDS if seconds is None else seconds
        self._entries: TTLCache = TTLCache(maxsize=maxsize, ttl=ttl, timer=monotonic)
        self._lock = Lock()

    def get(self, key: Hashable) -> V | None:
        with self._lock:
            return self._entries.get(key)

    def put(self, key: Hashable, value: V) -> None:
        with self._lock:
            self._entries[key] = value

    def clear(self) -> None:
        with self._lock:
            self._entries.clear()


_REGISTRY: WeakKeyDictionary = WeakKeyDictionary()
_REGISTRY_LOCK = Lock()


def live_cache(session: Session, name: str) -> LiveCache:
    """The cache ``name`` of the database ``session`` is bound to."""
    bind = session.get_bind()
    engine = getattr(bind, "engine", bind)
    with _REGISTRY_LOCK:
        caches = _REGISTRY.setdefault(engine, {})
        cache = caches.get(name)
        if cache is None:
            cache = caches[name] = LiveCache()
        return cache


def forget(name: str) -> None:
    """Empty the caches ``name`` of every database (after a change to what they hold)."""
    with _REGISTRY_LOCK:
        caches = [entry[name] for entry in _REGISTRY.values() if name in entry]
    for cache in caches:
        cache.clear()
