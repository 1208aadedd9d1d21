"""Ingest from the API: the bytes go through the same reader and pipeline as `rasd ingest`."""
from __future__ import annotations

import tempfile
from datetime import date
from pathlib import Path
from typing import Any

from ..errors import InputError


def ingest_bytes(store, pipeline, content: bytes, suffix: str, meta: dict[str, Any],
                 max_bytes: int) -> tuple[list[dict[str, Any]], list[str]]:
    """Read ``content`` as a file named ``<doc_id><suffix>``, run the pipeline, store each
    document with its events in one transaction. Returns (stored documents, error lines)."""
    from ..pipeline import store_results
    from ..read import ReadOptions, read_paths

    name = (meta.get("doc_id") or "upload") + suffix
    results: list[dict[str, Any]] = []
    errors: list[str] = []
    with tempfile.TemporaryDirectory(prefix="rasd-ingest-") as tmp:
        path = Path(tmp) / name
        path.write_bytes(content)
        opts = ReadOptions(max_bytes=max_bytes)
        docs = []
        for item in read_paths([str(path)], opts):
            if isinstance(item, InputError):
                errors.append(f"{name}: {item.reason}")
                continue
            item.source = f"api:{name}"
            for key in ("title", "outlet", "url"):
                if meta.get(key):
                    setattr(item, key, meta[key])
            if meta.get("published"):
                item.published = date.fromisoformat(meta["published"])
            docs.append(item)
        fuser = pipeline.fuser_for(store)
        stored = []
        size = pipeline.config.batch_size
        # one bad document costs only its own result
        for r in (r for i in range(0, len(docs), size) for r in pipeline.run_safe(docs[i:i + size])):
            if r.error is not None:
                errors.append(r.error)
            elif not r.document.text.strip():
                errors.append(f"{name}: no article text left in {r.document.doc_id!r} after removing boilerplate")
            else:
                stored.append(r)
        for r, out in zip(stored, store_results(store, pipeline, fuser, stored)):
            results.append({"doc_id": out.doc_id, "status": out.status, "events": len(r.events)})
    return results, errors
