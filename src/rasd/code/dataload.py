"""One strict loader for the coder's data files (``code/data/*.yaml``).

A file is read against a schema written with the small validators below. Anything the
schema does not know is an error, never silently ignored: an unknown key, a missing
required key, a value of the wrong kind, a malformed date. The error names the file, the
entry and the key (``countries.yaml: entry 'SY': key 'periods[1]': not a date (YYYY or
YYYY-MM-DD): '2024-13-08'``), so a typo in data fails loudly at load time.

Text meant for matching is kept by language (``aliases: {en: [...], fr: [...]}``): a
second language is added as data, with no code change.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from importlib import resources
from typing import Any, Callable, Optional

import yaml

LANG = re.compile(r"^[a-z]{2,3}$")
_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when PyYAML has it: ten times faster


class DataError(ValueError):
    """A data file that does not follow its schema (the message names file, entry and key)."""


@dataclass
class Where:
    file: str
    entry: Optional[str] = None
    key: str = ""

    def at(self, key: str) -> "Where":
        return Where(self.file, self.entry, f"{self.key}.{key}" if self.key and not key.startswith("[") else self.key + key)

    def enter(self, entry: str) -> "Where":
        return Where(self.file, entry, "")

    def fail(self, reason: str) -> DataError:
        parts = [self.file]
        if self.entry is not None:
            parts.append(f"entry {self.entry!r}")
        if self.key:
            parts.append(f"key {self.key!r}")
        return DataError(": ".join(parts) + ": " + reason)


Check = Callable[[Any, Where], Any]


def text(v: Any, w: Where) -> str:
    if isinstance(v, bool) or not isinstance(v, (str, int, float)):
        raise w.fail(f"expected text, got {type(v).__name__}")
    s = str(v).strip()
    if not s:
        raise w.fail("empty text")
    return s


def integer(v: Any, w: Where) -> int:
    if isinstance(v, bool) or not isinstance(v, int):
        raise w.fail(f"expected a whole number, got {v!r}")
    return v


def flag(v: Any, w: Where) -> bool:
    if not isinstance(v, bool):
        raise w.fail(f"expected true or false, got {v!r}")
    return v


def day(v: Any, w: Where) -> date:
    """A date written ``YYYY`` (1 January) or ``YYYY-MM-DD``."""
    if isinstance(v, date):
        return v
    s = str(v).strip() if isinstance(v, (str, int)) and not isinstance(v, bool) else ""
    m = re.fullmatch(r"(\d{4})(?:-(\d{2})-(\d{2}))?", s)
    try:
        if m:
            return date(int(m.group(1)), int(m.group(2) or 1), int(m.group(3) or 1))
    except ValueError:
        pass
    raise w.fail(f"not a date (YYYY or YYYY-MM-DD): {v!r}")


def one_of(*choices: str) -> Check:
    def check(v: Any, w: Where) -> str:
        s = text(v, w)
        if s not in choices:
            raise w.fail(f"{s!r} is not one of {', '.join(choices)}")
        return s
    return check


def pattern(rx: str, what: str) -> Check:
    comp = re.compile(rx)

    def check(v: Any, w: Where) -> str:
        s = text(v, w)
        if not comp.fullmatch(s):
            raise w.fail(f"{s!r} is not {what}")
        return s
    return check


def list_of(item: Check) -> Check:
    def check(v: Any, w: Where) -> list:
        if not isinstance(v, list):
            raise w.fail(f"expected a list, got {type(v).__name__}")
        return [item(x, w.at(f"[{i}]")) for i, x in enumerate(v)]
    return check


def by_language(v: Any, w: Where) -> dict[str, list[str]]:
    """``{en: [..], fr: [..]}``: words by language code."""
    if not isinstance(v, dict):
        raise w.fail("expected words by language code, e.g. {en: [...]}")
    out = {}
    for k, words in v.items():
        if not isinstance(k, str) or not LANG.match(k):
            raise w.at(str(k)).fail(f"{k!r} is not a language code (two or three lower-case letters)")
        out[k] = list_of(text)(words, w.at(k))
    return out


def mapping(key: Check, value: Check) -> Check:
    def check(v: Any, w: Where) -> dict:
        if not isinstance(v, dict):
            raise w.fail(f"expected a mapping, got {type(v).__name__}")
        return {key(k, w.at(str(k))): value(x, w.at(str(k))) for k, x in v.items()}
    return check


@dataclass(frozen=True)
class Key:
    check: Check
    required: bool = False


def record(fields: dict[str, Key], ident: Optional[str] = None) -> Check:
    """A mapping with exactly the keys of ``fields`` (required ones present, no others).
    ``ident``: the key that names the entry in error messages."""
    def check(v: Any, w: Where) -> dict:
        if not isinstance(v, dict):
            raise w.fail(f"expected a mapping, got {type(v).__name__}")
        if ident and w.entry is None and isinstance(v.get(ident), (str, int)):
            w = w.enter(str(v[ident]))
        unknown = [k for k in v if k not in fields]
        if unknown:
            raise w.at(str(unknown[0])).fail(f"unknown key (known: {', '.join(sorted(fields))})")
        out = {}
        for k, spec in fields.items():
            if k not in v or v[k] is None:
                if spec.required:
                    raise w.at(k).fail("missing")
                continue
            out[k] = spec.check(v[k], w.at(k))
        return out
    return check


def entries(item: Check, ident: str) -> Check:
    """A list of records, each named in errors by its ``ident`` key (or its position)."""
    def check(v: Any, w: Where) -> list:
        if not isinstance(v, list):
            raise w.fail(f"expected a list, got {type(v).__name__}")
        out, seen = [], set()
        for i, x in enumerate(v):
            name = x.get(ident) if isinstance(x, dict) else None
            ew = w.enter(str(name) if name is not None else f"#{i + 1}")
            got = item(x, ew)
            if name is not None:
                if name in seen:
                    raise ew.fail(f"duplicate {ident}")
                seen.add(name)
            out.append(got)
        return out
    return check


def keyed(item: Check, key: Check) -> Check:
    """A mapping of entries keyed by an identifier (``countries: {SY: {...}}``)."""
    def check(v: Any, w: Where) -> dict:
        if not isinstance(v, dict):
            raise w.fail(f"expected a mapping, got {type(v).__name__}")
        out = {}
        for k, x in v.items():
            ew = w.enter(str(k))
            out[key(k, ew)] = item(x if x is not None else {}, ew)
        return out
    return check


def read(name: str, schema: Check, package: str = "rasd.code") -> Any:
    """Read ``data/<name>`` of ``package`` and check it against ``schema``."""
    res = resources.files(package).joinpath("data")
    for part in name.split("/"):
        res = res.joinpath(part)
    try:
        raw = yaml.load(res.read_text(encoding="utf-8"), Loader=_LOADER)
    except yaml.YAMLError as exc:
        raise DataError(f"{name}: not valid YAML ({exc})") from None
    return schema(raw, Where(name))


def listing(folder: str, package: str = "rasd.code") -> list[str]:
    """The YAML files of ``data/<folder>``, sorted, as names ``read`` takes."""
    res = resources.files(package).joinpath("data").joinpath(folder)
    return sorted(f"{folder}/{p.name}" for p in res.iterdir() if p.name.endswith(".yaml"))
