"""Following sources: feeds and listing pages fetched politely, new articles stored once.

- ``settings``: ``WatchSettings`` from ``data/watch.yaml``, the environment and flags;
- ``fetch``: ``Fetcher``, polite bounded HTTP (robots.txt, per-host limits, retries, size limit);
- ``feeds``: a fetched source -> the article links it lists (RSS/Atom, JSON Feed, listing page);
- ``sources``: sources given on the command line or listed in a file;
- ``watcher``: ``Watcher``, passes over the sources with its state in the store (``WatchStore``);
- ``pages``: ``fetch_documents``, pages fetched directly (`rasd ingest URL`);
- ``sink``: the one seam to the ingest pipeline and the store.
See docs/watch.md.
"""
