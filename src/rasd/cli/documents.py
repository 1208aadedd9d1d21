"""Commands on documents: ingest, documents, show, stats."""
from __future__ import annotations

import json
import sys
from typing import List, Optional

import typer

from ..errors import InputError
from . import common


def register(app: typer.Typer) -> None:
    app.command("ingest")(ingest)
    app.command("documents")(documents)
    app.command("show")(show)
    app.command("stats")(stats)


def ingest(
    ctx: typer.Context,
    paths: List[str] = typer.Argument(..., help="Files or directories to read ('-' for stdin)."),
    meta: Optional[str] = typer.Option(None, "--meta", help="JSONL of per-document metadata (doc_id or file, published, outlet)."),
) -> None:
    """Read, clean and store documents. Same content twice changes nothing."""
    from ..pipeline import Pipeline
    from ..read import ReadOptions, load_meta, read_paths

    opts = ReadOptions(meta=load_meta(meta) if meta else {})
    pipe = Pipeline.for_ingest()
    failed = 0
    counts = {"new": 0, "unchanged": 0, "updated": 0}
    with common.store(ctx) as st:
        fuser = pipe.fuser_for(st)  # events, when coded, are fused as each document is stored
        for item in read_paths(paths, opts):
            if isinstance(item, InputError):
                common.report_error(item)
                failed += 1
                continue
            for res in pipe.run([item]):
                # a document, its events and their fusion are written in one transaction
                if fuser is not None:
                    out = pipe.save(st, res, fuser)
                else:
                    with st.transaction():
                        out = st.add_document(res.document)
                counts[out.status] += 1
    typer.echo(f"stored {counts['new']} new, {counts['updated']} updated, {counts['unchanged']} unchanged; {failed} failed")
    raise typer.Exit(1 if failed else 0)


def documents(
    ctx: typer.Context,
    search: Optional[str] = typer.Option(None, "--search", "-s", help="Full-text search (words are ANDed)."),
    limit: int = typer.Option(50, help="At most this many."),
    offset: int = typer.Option(0, help="Skip this many."),
    as_json: bool = typer.Option(False, "--json", help="JSON Lines instead of a table."),
) -> None:
    """List or search stored documents."""
    with common.store(ctx) as st:
        rows = st.list_documents(search, limit=limit, offset=offset)
    for r in rows:
        if as_json:
            typer.echo(json.dumps(r.__dict__, ensure_ascii=False))
        else:
            typer.echo(f"{r.doc_id}\t{r.published or '-'}\t{r.outlet or '-'}\t{(r.title or '')[:70]}")


def show(ctx: typer.Context, doc_id: str = typer.Argument(..., help="The document's id.")) -> None:
    """Print a document's clean text with its metadata."""
    with common.store(ctx) as st:
        doc = st.get_document(doc_id)
    if doc is None:
        typer.echo(f"rasd: no document {doc_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"# {doc.doc_id}  published={doc.published}  outlet={doc.outlet}  chars={len(doc.text)}")
    sys.stdout.write(doc.text + "\n")


def stats(ctx: typer.Context) -> None:
    """Counts of what the store holds."""
    with common.store(ctx) as st:
        typer.echo(json.dumps(st.stats(), indent=2, ensure_ascii=False))
