"""A throw-away PostgreSQL server for the tests and the benchmarks.

Runs the PostgreSQL binaries installed on the machine (``apt-get install postgresql``) on a
Unix socket in a fresh directory under /tmp, with durability off for speed. ``initdb`` refuses
to run as root, so under root the server runs as the ``postgres`` user via ``runuser``.
"""

from __future__ import annotations

import atexit
import os
import pwd
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path
from typing import TYPE_CHECKING
from urllib.parse import quote

if TYPE_CHECKING:
    from psycopg.sql import Composed

ADMIN = "mnr_admin"
INSTALL_HINT = "`apt-get install postgresql` installs it"
SERVER_OPTIONS = "-c listen_addresses='' -c max_connections=100"
# Durability off for the tests: a throw-away server need not survive a crash.
FAST_OPTIONS = " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"


def find_bindir() -> Path:
    """The directory of initdb, pg_ctl and postgres (the newest /usr/lib one if not on PATH)."""
    found = shutil.which("initdb")
    if found:
        bindir = Path(found).resolve().parent
    else:
        candidates = [p.parent for p in Path("/usr/lib/postgresql").glob("*/bin/initdb")]
        if not candidates:
            raise RuntimeError(f"PostgreSQL binary 'initdb' not found; {INSTALL_HINT}")

        def version(bindir: Path) -> tuple[int, ...]:
            return tuple(int(n) for n in re.findall(r"\d+", bindir.parent.name))

        bindir = max(candidates, key=version)
    for name in ("initdb", "pg_ctl", "postgres"):
        if not (bindir / name).is_file():
            raise RuntimeError(f"PostgreSQL binary {name!r} not found in {bindir}; {INSTALL_HINT}")
    return bindir


def free_port() -> int:
    """A TCP port nobody listens on (the server only uses it to name its socket file)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        port: int = sock.getsockname()[1]
        return port


class LocalServer:
    """A PostgreSQL server in a temporary directory, reachable only through its Unix socket."""

    def __init__(self, bindir: Path, base: Path, port: int, prefix: list[str]) -> None:
        self.bindir = bindir
        self.base = base
        self.data = base / "data"
        self.sockdir = base / "sock"
        self.logfile = base / "server.log"
        self.port = port
        self.prefix = prefix  # runs a binary as the server's owner ([] when not root)

    @classmethod
    def start(cls, durable: bool = False) -> LocalServer:
        """initdb a fresh cluster under /tmp and start it; RuntimeError says what went wrong."""
        bindir = find_bindir()
        prefix: list[str] = []
        owner: pwd.struct_passwd | None = None
        if os.geteuid() == 0:
            runuser = shutil.which("runuser")
            if runuser is None:
                raise RuntimeError("running as root needs 'runuser' (util-linux) to run PostgreSQL")
            try:
                owner = pwd.getpwnam("postgres")
            except KeyError:
                raise RuntimeError(
                    f"running as root needs the 'postgres' user; {INSTALL_HINT}"
                ) from None
            prefix = [runuser, "-u", "postgres", "--"]
        # /tmp, not $TMPDIR: the postgres user must reach it, and socket paths must stay short
        parent = "/tmp" if Path("/tmp").is_dir() else None
        base = Path(tempfile.mkdtemp(prefix="mnr-pg-", dir=parent))
        base.chmod(0o755)
        (base / "sock").mkdir(mode=0o755)
        if owner is not None:
            for path in (base, base / "sock"):
                os.chown(path, owner.pw_uid, owner.pw_gid)
        server = cls(bindir, base, free_port(), prefix)
        try:
            server._initdb()
            options = f"-k {server.sockdir} -p {server.port} {SERVER_OPTIONS}"
            if not durable:
                options += FAST_OPTIONS
            server._pg_ctl("start", "-w", "-t", "30", "-l", str(server.logfile), "-o", options)
        except BaseException:
            server.stop()
            raise
        atexit.register(server.stop)
        return server

    def _run(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run a command as the server's owner, in the server's directory."""
        return subprocess.run(
            [*self.prefix, *args], cwd=self.base, capture_output=True, text=True, check=False
        )

    def _initdb(self) -> None:
        """Create the cluster: C.UTF-8 collation, or no locale where C.UTF-8 is unavailable."""
        initdb = str(self.bindir / "initdb")
        common = [initdb, "-D", str(self.data), "-U", ADMIN, "--auth=trust", "-E", "UTF8"]
        common += ["--no-sync", "--no-instructions"]
        done = self._run(*common, "--locale=C.UTF-8")
        if done.returncode != 0:
            shutil.rmtree(self.data, ignore_errors=True)
            done = self._run(*common, "--no-locale")
        if done.returncode != 0:
            raise RuntimeError(f"initdb failed:\n{done.stdout}{done.stderr}")

    def _pg_ctl(self, *args: str) -> None:
        """Run pg_ctl on this cluster; RuntimeError with the server log when it fails."""
        done = self._run(str(self.bindir / "pg_ctl"), "-D", str(self.data), *args)
        if done.returncode != 0:
            log = self.logfile.read_text(errors="replace") if self.logfile.exists() else ""
            raise RuntimeError(f"pg_ctl {args[0]} failed:\n{done.stdout}{done.stderr}\n{log}")

    def url(self, database: str, user: str = ADMIN) -> str:
        """The SQLAlchemy URL (psycopg 3 driver) of a database on this server."""
        host = quote(str(self.sockdir), safe="/")
        return f"postgresql+psycopg://{user}@/{database}?host={host}&port={self.port}"

    def _admin_execute(self, statement: Composed) -> None:
        """Run one statement outside a transaction, as the admin on the `postgres` database."""
        import psycopg

        with psycopg.connect(
            host=str(self.sockdir), port=self.port, user=ADMIN, dbname="postgres", autocommit=True
        ) as conn:
            conn.execute(statement)

    def create_database(self, name: str | None = None) -> str:
        """Create an empty database (a unique name when none is given) and return its name."""
        from psycopg import sql

        name = name or f"mnr_test_{uuid.uuid4().hex[:12]}"
        self._admin_execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(name)))
        return name

    def drop_database(self, name: str) -> None:
        """Drop a database, terminating whatever is still connected to it."""
        from psycopg import sql

        self._admin_execute(
            sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(name))
        )

    def stop(self) -> None:
        """Stop the server at once and delete its directory; safe to call twice."""
        if (self.data / "postmaster.pid").exists():
            pg_ctl = str(self.bindir / "pg_ctl")
            self._run(pg_ctl, "-D", str(self.data), "stop", "-m", "immediate", "-w")
        shutil.rmtree(self.base, ignore_errors=True)
        atexit.unregister(self.stop)
