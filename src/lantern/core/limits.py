"""Limits every interface shares, so a form, the API and a service agree on them."""

#: The longest free text Lantern keeps in one field (a summary, a reason, a rationale).
MAX_TEXT = 10_000
