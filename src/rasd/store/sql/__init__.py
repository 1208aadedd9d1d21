"""SQL shared by the SQL backends (SQLite and PostgreSQL).

The table code here (documents, events and their corrected view, fusion, control, agreements,
the watcher's tables) is written once, over ``SQLConnection``: a connection that takes ``?``
parameter marks and gives rows readable by position and by column name, plus a ``Dialect``
naming the few expressions the backends spell differently. Each backend keeps what is its own
(connections, transactions, migrations, full-text search) in ``store/<backend>/``.
"""
