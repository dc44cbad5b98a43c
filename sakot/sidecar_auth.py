"""The shared token between Rasa and our sidecars (NLU service, action server).

Rasa sends it as configured in ``dialogue/endpoints.yml``: to the action server in the
``X-Sakot-Token`` header (endpoint ``headers:``), to the NLU service in the JSON body's
``"token"`` (Rasa's HTTP interpreter sends the endpoint's ``token:`` there and no headers).
Rasa's own HTTP API takes the same token (``--auth-token``, ``?token=`` on each call).
"""

from __future__ import annotations

import hmac

TOKEN_HEADER = "X-Sakot-Token"


def token_matches(expected: str, presented: str | None) -> bool:
    """Constant-time comparison; an empty expected token never matches (fail closed)."""
    if not expected or not presented:
        return False
    return hmac.compare_digest(expected.encode(), presented.encode())
