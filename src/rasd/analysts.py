"""Analysts' tokens: made here, kept by the store as hashes only (``AnalystStore``).

Each analyst writes with a token of their own (``rasd tokens add NAME``); what a request
with that token writes (corrections, review decisions) carries the token's name as author.
A token is 32 random bytes (URL-safe text), so a plain SHA-256 of it is as good as a salted
one: nobody can guess a token from its hash.
"""
from __future__ import annotations

import hashlib
import re
import secrets

NAME_RE = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{0,63}\Z")
# the author of what the server's own token (``rasd serve --token``, RASD_TOKEN) writes; no
# analyst may take the name
OWNER = "owner"


def new_token() -> str:
    return secrets.token_urlsafe(32)


def hash_token(token: str) -> str:
    return hashlib.sha256(token.encode("utf-8")).hexdigest()


def check_name(name: str) -> str:
    """An analyst's name as authors are written, or ValueError saying what is wrong with it."""
    if not NAME_RE.match(name or ""):
        raise ValueError(f"{name!r} is not a token name: 1 to 64 letters, digits, '.', '_', '@' or '-', "
                         "starting with a letter or digit")
    if name.lower() == OWNER:
        raise ValueError(f"{name!r} is the name of the server's own token; choose another")
    return name
