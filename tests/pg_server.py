"""A PostgreSQL server for the test session: found (RASD_TEST_PG, else the local socket), started
when it is not running (the machine's cluster, with pg_ctlcluster), and a database of the run's
own (``rasd_test_<pid>``) created on first use and dropped at the end.

Each test gets a new, empty database of its own as far as it can tell: one schema of the run's
database is migrated once and wiped (DELETE, a few milliseconds) before each test that uses it;
a module's shared store gets a schema of its own. Test URLs set ``search_path`` to that schema
(with ``public`` after it, for the extensions) and ``synchronous_commit=off`` (tests need no
durability)."""
from __future__ import annotations

import os
import shutil
import subprocess
import time
from pathlib import Path
from typing import Optional
from urllib.parse import quote

ADMIN_URL = os.environ.get("RASD_TEST_PG", "postgresql:///postgres")


class Unavailable(Exception):
    """No PostgreSQL server can be reached (the message says why, in one line)."""


class TestServer:
    def __init__(self, admin_url: str = ADMIN_URL):
        self.admin_url = admin_url
        self.owner = os.getpid()
        self.dbname = f"rasd_test_{self.owner}"
        self.admin = None
        self.failure: Optional[str] = None
        self.shared_schema: Optional[str] = None
        self.shared_tables: list[str] = []
        self.schemas = 0

    # -- the server and the run's database ------------------------------------------------
    def ensure(self):
        """Connect (starting the machine's cluster when it is down) and create the run's database;
        Unavailable when that cannot be done."""
        if self.admin is not None:
            return
        if self.failure:
            raise Unavailable(self.failure)
        try:
            self.admin = self._connect_or_start()
            self.admin.execute(f'CREATE DATABASE "{self.dbname}"')
            with self._db() as c:
                c.execute("CREATE EXTENSION IF NOT EXISTS unaccent")
                c.execute("CREATE EXTENSION IF NOT EXISTS pg_trgm")
        except Unavailable as exc:
            self.failure = str(exc)
            raise
        except Exception as exc:  # noqa: BLE001 - any failure means: no PostgreSQL tests here
            self.failure = f"PostgreSQL at {self.admin_url}: {str(exc).strip().splitlines()[0]}"
            raise Unavailable(self.failure) from None

    def _connect_or_start(self):
        import psycopg

        try:
            return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)
        except psycopg.OperationalError as exc:
            first = str(exc).strip().splitlines()[0] if str(exc).strip() else "unreachable"
        if not start_local_cluster():
            raise Unavailable(f"PostgreSQL at {self.admin_url} is not reachable ({first}) and no local cluster"
                              " could be started")
        deadline = time.time() + 30
        while True:
            try:
                return psycopg.connect(self.admin_url, autocommit=True, connect_timeout=5)
            except psycopg.OperationalError as exc:
                if time.time() > deadline:
                    raise Unavailable(f"PostgreSQL at {self.admin_url} started but is not reachable ({exc})") from None
                time.sleep(0.5)

    def _db(self):
        import psycopg

        return psycopg.connect(self.url(None, sync=True), autocommit=True)

    def url(self, schema: Optional[str], sync: bool = False) -> str:
        """The URL of the run's database with ``schema`` first on the search_path."""
        import psycopg.conninfo

        info = psycopg.conninfo.conninfo_to_dict(self.admin_url)
        params = [f"{k}={quote(str(info[k]), safe='/')}" for k in ("host", "port", "user", "password") if info.get(k)]
        opts = []
        if schema:
            opts.append(f"-csearch_path={schema},public")
        if not sync:
            opts.append("-csynchronous_commit=off")
        if opts:
            params.append("options=" + quote(" ".join(opts), safe=""))
        return f"postgresql:///{self.dbname}" + ("?" + "&".join(params) if params else "")

    def close(self):
        if self.admin is None:
            return
        if os.getpid() != self.owner:  # a forked child unwinding the test session's stack: not its database
            return
        try:
            self.admin.execute(f'DROP DATABASE IF EXISTS "{self.dbname}" WITH (FORCE)')
        finally:
            self.admin.close()
            self.admin = None

    # -- stores for tests -------------------------------------------------------------
    def new_schema(self) -> str:
        """A new, empty schema (its store is migrated when first opened)."""
        self.ensure()
        self.schemas += 1
        name = f"s{self.schemas}"
        with self._db() as c:
            c.execute(f"CREATE SCHEMA {name}")
        return name

    def drop_schema(self, name: str) -> None:
        if self.admin is None or os.getpid() != self.owner:
            return
        with self._db() as c:
            c.execute(f"DROP SCHEMA IF EXISTS {name} CASCADE")

    def wiped_url(self) -> str:
        """The URL of the shared schema, every table emptied (migrated on first use)."""
        from rasd.store import open_store

        self.ensure()
        if self.shared_schema is None:
            self.shared_schema = self.new_schema()
            open_store(self.url(self.shared_schema)).close()
            with self._db() as c:
                self.shared_tables = [r[0] for r in c.execute(
                    "SELECT tablename FROM pg_tables WHERE schemaname = %s"
                    " AND tablename NOT IN ('schema_migrations', 'schema_version')", (self.shared_schema,))]
        with self._db() as c:
            with c.transaction():
                c.execute("SET LOCAL synchronous_commit = off")
                c.execute("SET LOCAL session_replication_role = replica")  # no triggers nor FK checks
                for t in self.shared_tables:
                    c.execute(f"DELETE FROM {self.shared_schema}.{t}")
        return self.url(self.shared_schema)


def start_local_cluster() -> bool:
    """Start this machine's PostgreSQL cluster (Debian's pg_ctlcluster) when there is one."""
    etc = Path("/etc/postgresql")
    if not shutil.which("pg_ctlcluster") or not etc.is_dir():
        return False
    versions = sorted(p.name for p in etc.iterdir() if (p / "main").is_dir())
    if not versions:
        return False
    proc = subprocess.run(["pg_ctlcluster", "--skip-systemctl-redirect", versions[-1], "main", "start"],
                          capture_output=True, text=True, timeout=60)
    return proc.returncode == 0 or "already running" in proc.stderr
