"""Documents (migration 001), health and stats, for every SQL backend; full-text search is
the backend's own (``_search``), over the words ``parse_query`` finds."""
from __future__ import annotations

import json
import re
from dataclasses import dataclass
from datetime import date
from typing import Any, Iterable, Iterator, Optional

from ...clock import stamp
from ...records import Document, OffsetMap
from ..base import AddOutcome, DocumentSummary
from .dialect import SQLConnection

_INSERT = ("INSERT INTO documents(content_hash, text, raw, title, published, outlet, url, source,"
           " encoding, offsets, meta, stored_at, doc_id) VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?) ON CONFLICT DO NOTHING")


class DocumentsMixin(SQLConnection):
    path: str

    def has_content(self, content_hash: str) -> bool:
        row = self.conn.execute("SELECT 1 FROM documents WHERE content_hash=?", (content_hash,)).fetchone()
        return row is not None

    def add_document(self, doc: Document) -> AddOutcome:
        with self.transaction():
            # Another writer may store the same document between our look and our insert (a
            # server backend, where writers do not queue): the insert then does nothing, and
            # the second look sees what it stored.
            for _ in range(3):
                outcome = self._add_document(doc)
                if outcome is not None:
                    return outcome
            raise RuntimeError(f"{doc.doc_id}: the document changed under three attempts to store it")

    def _add_document(self, doc: Document) -> Optional[AddOutcome]:
        values = (
            doc.content_hash, doc.text, doc.raw, doc.title,
            doc.published.isoformat() if doc.published else None, doc.outlet, doc.url, doc.source,
            doc.encoding, json.dumps(doc.offsets.to_list()), json.dumps(doc.meta, default=str),
        )
        # the document stored with this content, and whether this id is taken: one look
        rows = self.conn.execute("SELECT doc_id, text, title, published, outlet, url, content_hash FROM documents"
                                 " WHERE content_hash=? OR doc_id=?", (doc.content_hash, doc.doc_id)).fetchall()
        same = next((r for r in rows if r[6] == doc.content_hash), None)
        if same is not None:
            if same[0] != doc.doc_id:
                return AddOutcome(doc.doc_id, "duplicate")
            # same raw content: changed only if its cleaning changed or new metadata is given
            # (a field the new reading leaves empty keeps its stored value)
            old = tuple(same)[1:6]
            new = (values[1], values[3], values[4], values[5], values[6])
            merged = tuple(n if n is not None else o for n, o in zip(new, old))
            if merged == old:
                return AddOutcome(doc.doc_id, "unchanged")
            values = (values[0], merged[0], values[2], merged[1], merged[2], merged[3], merged[4]) + values[7:]
        exists = same is not None or any(r[0] == doc.doc_id for r in rows)
        if exists:
            self.conn.execute(
                "UPDATE documents SET content_hash=?, text=?, raw=?, title=?, published=?, outlet=?,"
                f" url=?, source=?, encoding=?, offsets=?, meta=?, ingested_at={self.dialect.now}, stored_at=?"
                " WHERE doc_id=?", values + (stamp(), doc.doc_id))
            return AddOutcome(doc.doc_id, "updated")
        if self.conn.execute(_INSERT, values + (stamp(), doc.doc_id)).rowcount == 0:
            return None  # stored meanwhile by another writer: look again
        return AddOutcome(doc.doc_id, "new")

    def get_document(self, doc_id: str) -> Optional[Document]:
        row = self.conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return _row_to_document(row) if row else None

    def get_documents(self, doc_ids: Iterable[str]) -> dict[str, Document]:
        ids = list(dict.fromkeys(doc_ids))
        out: dict[str, Document] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            rows = self.conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE doc_id IN ({','.join('?' * len(part))})",
                                     part).fetchall()
            out.update((r["doc_id"], _row_to_document(r)) for r in rows)
        return out

    def iter_documents(self, batch: int = 200) -> Iterator[Document]:
        """Every document by doc_id, read a batch at a time (keyset paging: memory stays small)."""
        last = ""
        while True:
            rows = self.conn.execute(f"SELECT {_COLUMNS} FROM documents WHERE doc_id > ? ORDER BY doc_id LIMIT ?",
                                     (last, batch)).fetchall()
            for row in rows:
                yield _row_to_document(row)
            if len(rows) < batch:
                return
            last = rows[-1]["doc_id"]

    def document_summaries(self, doc_ids: Iterable[str]) -> dict[str, DocumentSummary]:
        ids = list(dict.fromkeys(doc_ids))
        out: dict[str, DocumentSummary] = {}
        for i in range(0, len(ids), 500):
            part = ids[i:i + 500]
            for r in self.conn.execute(
                    "SELECT doc_id, title, published, outlet, length(text), url FROM documents"
                    f" WHERE doc_id IN ({','.join('?' * len(part))})", part).fetchall():
                out[r[0]] = DocumentSummary(r[0], r[1], r[2], r[3], r[4], None, r[5])
        return out

    def list_documents(self, query: Optional[str] = None, limit: int = 50,
                       offset: int = 0, since: Optional[str] = None) -> list[DocumentSummary]:
        if query:
            terms = parse_query(query)
            return self._search(terms, limit, offset, since) if terms else []
        if since:  # the newest first: what arrived since the user's last look
            rows = self.conn.execute(
                "SELECT doc_id, title, published, outlet, length(text) AS chars, stored_at FROM documents"
                " WHERE stored_at >= ? ORDER BY stored_at DESC, doc_id LIMIT ? OFFSET ?", (since, limit, offset)).fetchall()
        else:
            rows = self.conn.execute(
                "SELECT doc_id, title, published, outlet, length(text) AS chars, stored_at"
                " FROM documents ORDER BY doc_id LIMIT ? OFFSET ?", (limit, offset)).fetchall()
        return [DocumentSummary(r["doc_id"], r["title"], r["published"], r["outlet"], r["chars"], None,
                                stored_at=r["stored_at"])
                for r in rows]

    def _search(self, terms: list[Term], limit: int, offset: int, since: Optional[str] = None) -> list[DocumentSummary]:
        """Documents holding every term (title or text), best first, with a snippet marking the
        words found in [brackets]: the backend's full-text index; ``since``: stored at or after."""
        raise NotImplementedError

    # -- health and stats -------------------------------------------------------
    def stats(self) -> dict[str, Any]:
        c = self.conn
        out: dict[str, Any] = {
            "path": self.path,
            "schema_version": self._schema_version(),
            "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
            "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
        }
        row = c.execute("SELECT min(published), max(published),"
                        " sum(CASE WHEN published IS NULL THEN 1 ELSE 0 END),"
                        " sum(length(text)), sum(length(raw)) FROM documents").fetchone()
        out["published_range"] = [row[0], row[1]]
        out["documents_without_date"] = int(row[2] or 0)
        out["chars_clean"], out["chars_raw"] = int(row[3] or 0), int(row[4] or 0)
        out["documents_by_outlet"] = {(r[0] or "(none)"): r[1] for r in c.execute(
            "SELECT outlet, count(*) FROM documents GROUP BY outlet ORDER BY 2 DESC, 1 LIMIT 20")}
        out["events_by_type"] = {r[0]: r[1] for r in c.execute(
            "SELECT event_type, count(*) FROM events GROUP BY event_type ORDER BY 2 DESC")}
        return out

    def health(self) -> dict[str, Any]:
        """Facts for a health check, counted from the smallest indexes."""
        c = self.conn
        return {"schema_version": self._schema_version(),
                "documents": c.execute("SELECT count(*) FROM documents").fetchone()[0],
                "events": c.execute("SELECT count(*) FROM events").fetchone()[0],
                "corrections": c.execute("SELECT count(*) FROM corrections").fetchone()[0]}


# -- full-text queries --------------------------------------------------------------
@dataclass(frozen=True)
class Term:
    """One term of a search: a word, or a phrase of words in order; ``prefix``: its last word
    may be the start of a longer one (``bomb*``)."""

    words: tuple[str, ...]
    prefix: bool = False


_TERM = re.compile(r'"([^"]*)"?(\*?)|([^\s"]+)')
_WORD = re.compile(r"[^\W_]+")


def parse_query(q: str) -> list[Term]:
    """The terms of a user's search, ANDed: words, "quoted phrases", and ``word*`` prefixes.
    Words are runs of letters and digits (as the index splits text), so no input is syntax:
    operators, brackets and stray quotes are only words or nothing."""
    terms = []
    for m in _TERM.finditer(q):
        text = m.group(1) if m.group(3) is None else m.group(3)
        prefix = bool(m.group(2)) or text.rstrip().endswith("*")  # "a phrase"*, "a phra*", word*
        words = tuple(_WORD.findall(text))
        if words:
            terms.append(Term(words, prefix))
    return terms


_COLUMNS = ("doc_id, content_hash, text, raw, title, published, outlet, url, source, encoding, offsets,"
            " meta, ingested_at")


def _row_to_document(row: Any) -> Document:
    return Document(
        doc_id=row["doc_id"], raw=row["raw"], text=row["text"],
        offsets=OffsetMap.from_list(json.loads(row["offsets"] or "[]")), title=row["title"],
        published=date.fromisoformat(row["published"]) if row["published"] else None,
        outlet=row["outlet"], url=row["url"], source=row["source"], encoding=row["encoding"],
        content_hash=row["content_hash"], meta=json.loads(row["meta"] or "{}"),
    )
