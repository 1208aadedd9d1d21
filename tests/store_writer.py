"""A writer process for the many-writers and SIGKILL tests (tests/test_store_writers.py).

``python store_writer.py URL WRITER N_SHARED N_OWN`` stores, in an order of its own, the
N_SHARED documents every writer stores and N_OWN documents of its own, each with its events,
fused as they land, in one transaction per document (as `rasd ingest` writes). A document of
its own is a twin of the same-numbered document of every other writer: another outlet
reporting the same events, so that writers fuse reports of one event at the same moment.
Prints one line per document stored.
"""
from __future__ import annotations

import random
import sys
from dataclasses import replace

from rasd.records import Document, Event, Evidence
from rasd.serve.synthetic import make_documents

PER_DOC = 1


def shared_documents(n: int) -> list[tuple[Document, list[Event]]]:
    return make_documents(n * PER_DOC, seed=3, per_doc=PER_DOC)


def own_documents(writer: int, n: int) -> list[tuple[Document, list[Event]]]:
    """Writer ``writer``'s twins of the same ``n`` base documents."""
    out = []
    for k, (doc, events) in enumerate(make_documents(n * PER_DOC, seed=5, per_doc=PER_DOC, start=doc_start())):
        doc_id = f"w{writer}-{k:04d}"
        twin = Document(doc_id=doc_id, raw=doc.raw + f" Reported by desk {writer}.", title=doc.title,
                        published=doc.published, outlet=f"Desk {writer}")
        evs = [replace(e, event_id=f"{doc_id}:{i}", doc_id=doc_id,
                       evidence=[Evidence(doc_id, x.start, x.end, x.text, x.field) for x in e.evidence])
               for i, e in enumerate(events)]
        out.append((twin, evs))
    return out


def doc_start():
    from datetime import date

    return date(2019, 1, 1)


def main(url: str, writer: int, n_shared: int, n_own: int) -> None:
    from rasd.fuse.fuser import Fuser
    from rasd.store import open_store

    docs = shared_documents(n_shared) + own_documents(writer, n_own)
    random.Random(writer).shuffle(docs)
    with open_store(url) as st:
        fuser = Fuser(st, control=False, agreements=False, denials=False)
        for doc, events in docs:
            with st.transaction():
                out = st.add_document(doc)
                if out.status == "new":
                    st.replace_events(doc.doc_id, events)
                    fuser.process(events)
            print(doc.doc_id, out.status, flush=True)


if __name__ == "__main__":
    main(sys.argv[1], int(sys.argv[2]), int(sys.argv[3]), int(sys.argv[4]))
