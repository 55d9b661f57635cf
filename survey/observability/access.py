"""Who may read ``/metrics``: a scraper sending ``Authorization: Bearer <METRICS_TOKEN>``
(compared in constant time), or a signed-in admin. Nobody when METRICS_TOKEN is unset and no
admin is signed in: the metrics are never public."""
from __future__ import annotations

import hmac


def bearer_matches(authorization: str | None, token: str) -> bool:
    """True when ``authorization`` is ``Bearer <token>`` and ``token`` is configured."""
    if not token or not authorization:
        return False
    scheme, _, offered = authorization.partition(" ")
    if scheme.lower() != "bearer":
        return False
    return hmac.compare_digest(offered.strip().encode("utf-8"), token.encode("utf-8"))
