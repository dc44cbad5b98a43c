"""The contract between Sakot and the AOC exchange: everything that crosses between them.

Sakot (the reporter) and the exchange (our reference service in ``exchange/``, or a real AOC
backend) import this package and nothing of each other:

- ``schemas``: the case packet Sakot sends, the receipt it gets back, the error body it reads,
  and the status callback the exchange sends to Sakot.
- ``signing`` and ``http_auth``: the HMAC request signature both directions carry, and the
  ``httpx.Auth`` that adds it to an outgoing request.
- ``scam_types``: the scam-type ids on the wire.
- ``banks``: the bank codes on the wire (3-digit CFR numbers and their short codes).
"""
