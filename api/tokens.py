"""Admin tokens: who may write what.

A token file (`dargah serve --admin-tokens FILE`, JSON or TOML) lists each token as the SHA-256
of the token, never the token itself, with a name (what the audit log records) and the agencies
whose cards it may write, or "*" for the central office, which may also rebuild, roll back, and
read the analytics and the audit log:

    # TOML                                    // JSON
    [[tokens]]                                {"tokens": [{"name": "nocr",
    name = "nocr"                                          "sha256": "9f86d0…",
    sha256 = "9f86d0…"                                     "agencies": ["سازمان ثبت احوال کشور"]}]}
    agencies = ["سازمان ثبت احوال کشور"]

`dargah token create --name N --agency A --file FILE` makes a token, adds its hash to the file and
prints the token once. A token is 32 random bytes, so its SHA-256 cannot be searched back to it;
a sent token is hashed and compared with every entry in constant time. DARGAH_ADMIN_TOKEN (or
--admin-token-file) stays what it was: the one central token of a small install, named "admin".
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tomllib
from dataclasses import dataclass
from pathlib import Path

CENTRAL = "*"


@dataclass(frozen=True)
class Actor:
    """Who sent an admin request: the token's name and the agencies it may write (None: all)."""

    name: str
    agencies: frozenset[str] | None

    @property
    def central(self) -> bool:
        return self.agencies is None

    def may_write(self, agency: str) -> bool:
        return self.agencies is None or agency in self.agencies


@dataclass(frozen=True)
class TokenEntry:
    name: str
    digest: bytes
    agencies: frozenset[str] | None

    def actor(self) -> Actor:
        return Actor(self.name, self.agencies)


class TokenFileError(ValueError):
    pass


def digest(token: str) -> bytes:
    return hashlib.sha256(token.strip().encode("utf-8", "surrogateescape")).digest()


def new_token() -> str:
    return "dgh_" + secrets.token_urlsafe(32)


def _entry(raw, where: str) -> TokenEntry:
    if not isinstance(raw, dict):
        raise TokenFileError(f"{where}: each token is a table with name, sha256 and agencies")
    name, hexdigest, agencies = raw.get("name"), raw.get("sha256"), raw.get("agencies")
    if not isinstance(name, str) or not name.strip():
        raise TokenFileError(f"{where}: name is missing")
    try:
        value = bytes.fromhex(hexdigest or "")
    except (TypeError, ValueError):
        value = b""
    if len(value) != 32:
        raise TokenFileError(f"{where} ({name}): sha256 must be 64 hexadecimal digits")
    if agencies == CENTRAL or agencies == [CENTRAL]:
        return TokenEntry(name, value, None)
    if not isinstance(agencies, list) or not agencies or not all(isinstance(a, str) and a for a in agencies):
        raise TokenFileError(f'{where} ({name}): agencies must be a list of agency names, or "*"')
    return TokenEntry(name, value, frozenset(agencies))


def load(path: Path) -> tuple[TokenEntry, ...]:
    """The entries of a token file; TokenFileError saying what is wrong with it."""
    text = path.read_text("utf-8")
    try:
        data = json.loads(text) if path.suffix == ".json" or text.lstrip().startswith("{") else tomllib.loads(text)
    except (json.JSONDecodeError, tomllib.TOMLDecodeError) as e:
        raise TokenFileError(f"not JSON or TOML: {e}") from None
    tokens = data.get("tokens") if isinstance(data, dict) else None
    if not isinstance(tokens, list):
        raise TokenFileError("the file must hold a list named tokens")
    entries = tuple(_entry(raw, f"token {n}") for n, raw in enumerate(tokens, start=1))
    names = [e.name for e in entries]
    if len(set(names)) != len(names):
        raise TokenFileError("two tokens have the same name (the audit log could not tell them apart)")
    return entries


def identify(sent: str, entries: tuple[TokenEntry, ...], central_token: str | None) -> Actor | None:
    """The actor of a sent token, or None. Every entry is compared, in constant time each."""
    found = None
    sent_digest = digest(sent)
    for entry in entries:
        if hmac.compare_digest(sent_digest, entry.digest) and found is None:
            found = entry.actor()
    if central_token and hmac.compare_digest(sent_digest, digest(central_token)) and found is None:
        found = Actor("admin", None)
    return found


def add(path: Path, name: str, agencies: list[str] | None) -> str:
    """Create a token, add its hash to the file (created if absent) and return the token."""
    existing = load(path) if path.exists() else ()
    if any(e.name == name for e in existing):
        raise TokenFileError(f"a token named {name!r} is already in the file")
    token = new_token()
    row = {"name": name, "sha256": digest(token).hex(), "agencies": CENTRAL if agencies is None else agencies}
    if path.suffix == ".json":
        data = json.loads(path.read_text("utf-8")) if path.exists() else {"tokens": []}
        data["tokens"].append(row)
        text = json.dumps(data, ensure_ascii=False, indent=2) + "\n"
    else:
        text = path.read_text("utf-8") if path.exists() else ""
        if text and not text.endswith("\n"):
            text += "\n"
        text += "\n[[tokens]]\n" + "".join(f"{k} = {json.dumps(v, ensure_ascii=False)}\n" for k, v in row.items())
    tmp = path.with_name(f".{path.name}.{os.getpid()}.tmp")
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as f:
        f.write(text)
    os.replace(tmp, path)
    return token
