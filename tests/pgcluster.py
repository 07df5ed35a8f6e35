"""A private, throw-away PostgreSQL cluster for tests that stop and start their database.

The machine's own server is shared with developers and other test runs: tests never stop or restart it.
This cluster lives in a temporary folder, listens on a free loopback port, and is removed at the end.
Missing PostgreSQL binaries fail the test (install Debian's ``postgresql``), never skip it.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path


def _bindir() -> Path:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(Path(p).parts[-3]))
    if found:
        return Path(found[-1]).parent
    initdb = shutil.which("initdb")
    if initdb is None:
        raise RuntimeError("PostgreSQL's initdb is missing: install Debian's postgresql package")
    return Path(initdb).parent


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


class PrivateCluster:
    """One PostgreSQL server of our own: ``url`` to connect, ``stop``/``start``/``restart`` at will."""

    def __init__(self, root: Path) -> None:
        self.root = root
        self.data = root / "data"
        self.port = _free_port()
        self._bin = _bindir()
        # initdb and postgres refuse to run as root: run them as the postgres account when we are root
        self._as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    @property
    def url(self) -> str:
        """Return the SQLAlchemy URL of the cluster's ``postgres`` database."""
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/postgres"

    def _run(self, program: str, args: Sequence[str], timeout: float = 120) -> None:
        command = [*self._as, str(self._bin / program), *args]
        done = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if done.returncode != 0:
            log = (self.root / "server.log").read_text(errors="replace") if (self.root / "server.log").exists() else ""
            raise RuntimeError(f"{program} {' '.join(args)} failed:\n{done.stdout}{done.stderr}\n{log[-3000:]}")

    def init(self) -> None:
        """Create the cluster's files (trust authentication, loopback only, no fsync: it is thrown away)."""
        if self._as:
            shutil.chown(self.root, user="postgres")
        self._run("initdb", ["-D", str(self.data), "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-sync"])

    def ready(self) -> bool:
        """Return True when the server accepts connections."""
        return subprocess.run([str(self._bin / "pg_isready"), "-q", "-h", "127.0.0.1", "-p", str(self.port)],
                              check=False, timeout=30).returncode == 0

    def start(self) -> None:
        """Start the server unless it runs, and wait until it accepts connections."""
        if self.ready():
            return
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", ["-D", str(self.data), "-o", options, "-l", str(self.root / "server.log"), "-w",
                             "-t", "60", "start"])
        deadline = time.monotonic() + 30
        while not self.ready():
            assert time.monotonic() < deadline, "the private PostgreSQL did not accept connections"
            time.sleep(0.1)

    def stop(self) -> None:
        """Stop the server (fast mode: open sessions are ended)."""
        self._run("pg_ctl", ["-D", str(self.data), "-m", "fast", "-w", "stop"])
        assert not self.ready()

    def restart(self) -> None:
        """Stop and start the server, and wait until it accepts connections."""
        self.stop()
        self.start()


@contextmanager
def private_cluster() -> Iterator[PrivateCluster]:
    """Run a private cluster for the duration of the block, then stop it and delete its files."""
    root = Path(tempfile.mkdtemp(prefix="pmw-pg-"))
    cluster = PrivateCluster(root)
    try:
        cluster.init()
        cluster.start()
        yield cluster
    finally:
        if cluster.ready():
            cluster.stop()
        shutil.rmtree(root, ignore_errors=True)
