"""Moving a whole store: ``copy_store`` (store to store, any backends), ``dump`` (a logical
backup file) and ``load`` (a backup file into an empty store). Every table the source's schema
has is moved, so tables that later migrations add move too; each is checked by counting its
rows on both sides.

The backup file is gzip-compressed JSON Lines, read and written by rasd alone (no pg_dump, no
sqlite3 tool): a header line, then for each table a line naming it and its columns, one JSON
array per row, and a line with its row count.
"""
from __future__ import annotations

import gzip
import json
import os
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any, Callable, Iterator, Optional

from ..errors import StoreError
from .base import Table, TransferStore

FORMAT = "rasd-backup"
FORMAT_VERSION = 1
GZIP_MAGIC = b"\x1f\x8b"
SQLITE_MAGIC = b"SQLite format 3\x00"

Progress = Optional[Callable[[int], None]]


class TransferError(StoreError):
    """A store or backup cannot be moved (the message says which table and why)."""


@dataclass
class TableCount:
    table: str
    source: int
    target: int

    @property
    def ok(self) -> bool:
        return self.source == self.target


def plan(source: list[Table], implicit: frozenset[str], target: TransferStore) -> list[Table]:
    """The tables and columns to move: every table of the source, with the columns the target
    has too. A source table or column the target lacks stops the move (it would be lost), unless
    the column is one the source's backend keeps for itself (``implicit``)."""
    have = {t.name: t for t in target.data_tables()}
    out = []
    for t in source:
        if t.name not in have:
            raise TransferError(f"table {t.name} is not in the target store (open it with this rasd version)")
        lost = [c for c in t.columns if c not in have[t.name].columns and c not in implicit]
        if lost:
            raise TransferError(f"table {t.name}: the target store has no column {', '.join(lost)}")
        out.append(Table(t.name, tuple(c for c in t.columns if c in have[t.name].columns)))
    return out


def check_empty(target: TransferStore) -> None:
    for t in target.data_tables():
        n = target.count_rows(t.name)
        if n:
            raise TransferError(f"the target store is not empty ({t.name} has {n} rows): give a new database")


def copy_store(source: TransferStore, target: TransferStore, progress: Progress = None) -> list[TableCount]:
    """Copy every table of ``source`` into the empty ``target`` in one transaction; returns the
    rows counted on both sides, table by table (TransferError when a count differs)."""
    check_empty(target)
    moved: list[tuple[str, int]] = []
    with source.snapshot():
        tables = plan(source.data_tables(), source.implicit_columns(), target)
        with target.transaction():
            for t in tables:
                n = 0
                for rows in source.read_rows(t.name, t.columns):
                    target.write_rows(t.name, t.columns, rows)
                    n += len(rows)
                    if progress:
                        progress(len(rows))
                target.loaded(t.name)
                moved.append((t.name, source.count_rows(t.name)))
    return _verify(moved, target)


def total_rows(store: TransferStore) -> int:
    return sum(store.count_rows(t.name) for t in store.data_tables())


def dump(source: TransferStore, path: str, *, backend: str, schema_version: int,
         progress: Progress = None) -> list[TableCount]:
    """Write a logical backup of every table to ``path`` (a new file, written whole or not at all)."""
    out = Path(path)
    if out.exists():
        raise TransferError(f"{path} exists: remove it or give another name")
    tmp = out.with_name(out.name + ".part")
    counts = []
    try:
        with gzip.open(tmp, "wt", encoding="utf-8") as f, source.snapshot():
            tables = source.data_tables()
            f.write(json.dumps({"format": FORMAT, "version": FORMAT_VERSION, "backend": backend,
                                "schema_version": schema_version,
                                "implicit": sorted(source.implicit_columns()),
                                "created": datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")}) + "\n")
            for t in tables:
                f.write(json.dumps({"table": t.name, "columns": list(t.columns)}) + "\n")
                n = 0
                for rows in source.read_rows(t.name, t.columns):
                    for row in rows:
                        f.write(json.dumps(list(row), ensure_ascii=False) + "\n")
                    n += len(rows)
                    if progress:
                        progress(len(rows))
                f.write(json.dumps({"end": t.name, "rows": n}) + "\n")
                counts.append(TableCount(t.name, source.count_rows(t.name), n))
        bad = [c for c in counts if not c.ok]
        if bad:
            raise TransferError("rows changed while they were read: " + ", ".join(c.table for c in bad))
        os.replace(tmp, out)
    finally:
        if tmp.exists():
            tmp.unlink()
    return counts


def backup_kind(path: str) -> str:
    """'logical' (a backup file of ``dump``) or 'sqlite' (a SQLite file: an online backup or a
    store); TransferError otherwise."""
    try:
        with open(path, "rb") as f:
            head = f.read(16)
    except OSError as exc:
        raise TransferError(f"{path}: cannot read ({exc.strerror})") from None
    if head.startswith(GZIP_MAGIC):
        return "logical"
    if head == SQLITE_MAGIC:
        return "sqlite"
    raise TransferError(f"{path}: not a rasd backup (neither a logical backup nor a SQLite file)")


def load(path: str, target: TransferStore, progress: Progress = None) -> list[TableCount]:
    """Restore a logical backup into the empty ``target``, in one transaction."""
    check_empty(target)
    moved: list[tuple[str, int]] = []
    try:
        with gzip.open(path, "rt", encoding="utf-8") as f:
            lines = iter(f)
            head = _json(next(lines, "null"), path, 1)
            if not isinstance(head, dict) or head.get("format") != FORMAT:
                raise TransferError(f"{path}: not a rasd backup")
            if head.get("version") != FORMAT_VERSION:
                raise TransferError(f"{path}: backup format {head.get('version')} is not {FORMAT_VERSION}")
            implicit = frozenset(head.get("implicit") or ())
            with target.transaction():
                for name, columns, rows in _blocks(lines, path):
                    (t,) = plan([Table(name, columns)], implicit, target)
                    keep = [columns.index(c) for c in t.columns]
                    n = 0
                    for batch in rows:
                        target.write_rows(name, t.columns, [tuple(r[i] for i in keep) for r in batch])
                        n += len(batch)
                        if progress:
                            progress(len(batch))
                    target.loaded(name)
                    moved.append((name, n))
    except (OSError, EOFError, UnicodeDecodeError) as exc:
        raise TransferError(f"{path}: cannot read the backup ({exc})") from None
    return _verify(moved, target)


def _blocks(lines: Iterator[str], path: str) -> Iterator[tuple[str, tuple[str, ...], Iterator[list[list]]]]:
    """(table, columns, batches of rows) of each table of a backup, read as they come."""
    lineno = 1
    for line in lines:
        lineno += 1
        start = _json(line, path, lineno)
        if not isinstance(start, dict) or "table" not in start:
            raise TransferError(f"{path}:{lineno}: a table's first line was expected")
        name, columns = start["table"], tuple(start["columns"])
        end: dict[str, Any] = {}

        def rows() -> Iterator[list[list]]:
            nonlocal lineno
            batch: list[list] = []
            for row_line in lines:
                lineno += 1
                row = _json(row_line, path, lineno)
                if isinstance(row, dict):
                    end.update(row)
                    break
                if not isinstance(row, list) or len(row) != len(columns):
                    raise TransferError(f"{path}:{lineno}: a row of {name} should have {len(columns)} values")
                batch.append(row)
                if len(batch) >= 1000:
                    yield batch
                    batch = []
            if batch:
                yield batch

        it = rows()
        yield name, columns, it
        for _ in it:  # reads on to the table's end line when the caller stopped early
            pass
        if end.get("end") != name:
            raise TransferError(f"{path}: the backup ends inside table {name} (a truncated file)")


def _json(line: str, path: str, lineno: int) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        raise TransferError(f"{path}:{lineno}: not JSON (a damaged backup)") from None


def _verify(moved: list[tuple[str, int]], target: TransferStore) -> list[TableCount]:
    counts = [TableCount(name, n, target.count_rows(name)) for name, n in moved]
    bad = [c for c in counts if not c.ok]
    if bad:
        raise TransferError("row counts differ after the move: " + ", ".join(
            f"{c.table} {c.source} -> {c.target}" for c in bad))
    return counts
