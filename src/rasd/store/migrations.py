"""Schema migrations, backend-neutral: numbered scripts applied once each, in order.

Each backend keeps its scripts in a package of its own (``rasd/store/<backend>/migrations/``),
named ``NNN_what.<suffix>`` and numbered 1, 2, 3 ... without a gap; every backend has the same
numbers with the same names (``004_corrections`` is migration 4 everywhere). A backend runs
them with ``migrate(target, scripts)``, where its ``MigrationTarget`` says which scripts are
recorded as applied, applies one script and records it in one transaction, and records the
schema version (the number of the last script). See docs/schema.md.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from importlib import resources
from importlib.resources.abc import Traversable
from typing import Protocol

_NAME = re.compile(r"^(\d{3})_[a-z0-9_]+$")


class MigrationError(Exception):
    """The numbered scripts of a backend are not 1..n, each once."""


@dataclass(frozen=True)
class Migration:
    number: int  # 1, 2, 3 ...
    name: str    # the file name, e.g. "004_corrections.sql": what a target records as applied
    script: str  # the text of the script, run as the backend runs scripts

    @property
    def stem(self) -> str:
        """The name without its suffix (``004_corrections``): the same in every backend."""
        return self.name.rsplit(".", 1)[0]


class MigrationTarget(Protocol):
    """One database of one backend, as the runner sees it."""

    def applied(self) -> set[str]:
        """The names of the scripts recorded as applied (creating the record when missing)."""

    def apply(self, migration: Migration) -> None:
        """Run one script and record its name, in one transaction (all or nothing)."""

    def set_version(self, version: int) -> None:
        """Record the schema version: the number of the last script."""


def read_migrations(folder: Traversable, suffix: str) -> list[Migration]:
    """The numbered scripts ``NNN_name<suffix>`` of a folder, in order; MigrationError unless
    they are numbered 1..n, each number once."""
    found = []
    for item in folder.iterdir():
        if not item.name.endswith(suffix):
            continue
        stem = item.name[: -len(suffix)]
        m = _NAME.match(stem)
        if m is None:
            raise MigrationError(f"{item.name}: a migration is named NNN_what{suffix} (three digits, lower case)")
        found.append(Migration(int(m.group(1)), item.name, item.read_text(encoding="utf-8")))
    found.sort(key=lambda x: (x.number, x.name))
    for i, mig in enumerate(found, start=1):
        if mig.number != i:
            dup = [x.name for x in found if x.number == mig.number]
            why = f"number {mig.number:03d} is taken twice ({', '.join(dup)})" if len(dup) > 1 \
                else f"migration {i:03d} is missing before {mig.name}"
            raise MigrationError(f"{folder}: {why}")
    return found


def package_migrations(package: str, suffix: str) -> list[Migration]:
    """``read_migrations`` of a package's folder (e.g. ``rasd.store.sqlite.migrations``)."""
    return read_migrations(resources.files(package), suffix)


def migrate(target: MigrationTarget, scripts: list[Migration]) -> list[str]:
    """Apply, in order, every script the target has not recorded; record the version.
    Returns the names applied (none when the database is up to date)."""
    done = target.applied()
    applied = []
    for mig in scripts:
        if mig.name not in done:
            target.apply(mig)
            applied.append(mig.name)
    target.set_version(scripts[-1].number if scripts else 0)
    return applied
