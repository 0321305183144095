"""A throwaway PostgreSQL server for the store tests: Debian's server binaries, a cluster made by
initdb in a temporary folder, run as an unprivileged user, listening on loopback only, stopped when
the tests end. Where it cannot start, ``start()`` says why and the PostgreSQL tests skip."""
from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import uuid
from pathlib import Path

USER = "nobody"  # the server refuses to run as root


class Server:
    def __init__(self):
        self.folder: Path | None = None
        self.port = 0
        self.reason = ""
        self._bin: Path | None = None

    def _as_user(self, *command) -> list[str]:
        if os.geteuid() == 0:
            return ["runuser", "-u", USER, "--", *command]
        return list(command)

    def start(self) -> bool:
        found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"))
        if not found and shutil.which("initdb"):
            found = [shutil.which("initdb")]
        if not found:
            self.reason = "PostgreSQL's server is not installed (make test installs Debian's postgresql as root)"
            return False
        self._bin = Path(os.path.realpath(found[-1])).parent
        self.folder = Path(tempfile.mkdtemp(prefix="pmo-assess-pg-"))
        data, sockets = self.folder / "data", self.folder / "sockets"
        sockets.mkdir()
        if os.geteuid() == 0:
            if shutil.which("runuser") is None:
                self.reason = "running as root without runuser: cannot start PostgreSQL as an unprivileged user"
                return False
            shutil.chown(self.folder, USER)
            shutil.chown(sockets, USER)
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        steps = [
            self._as_user(str(self._bin / "initdb"), "-D", str(data), "-U", "postgres", "--auth=trust",
                          "--encoding=UTF8", "--locale=C", "--no-sync"),
            self._as_user(str(self._bin / "pg_ctl"), "-D", str(data), "-l", str(self.folder / "log"), "-w", "-t", "60",
                          "-o", f"-c listen_addresses=127.0.0.1 -p {self.port} -k {sockets} -c fsync=off",
                          "start"),
        ]
        for step in steps:
            done = subprocess.run(step, capture_output=True, text=True, timeout=120, check=False)
            if done.returncode != 0:
                self.reason = f"PostgreSQL did not start: {(done.stderr or done.stdout).strip().splitlines()[-1:]}"
                self.stop()
                return False
        return True

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def new_database(self) -> str:
        """A fresh, empty database on the server: one per test."""
        import psycopg

        name = f"t_{uuid.uuid4().hex[:12]}"
        with psycopg.connect(f"host=127.0.0.1 port={self.port} user=postgres dbname=postgres",
                             autocommit=True) as connection:
            connection.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def stop(self) -> None:
        if self.folder is None:
            return
        if (self.folder / "data" / "postmaster.pid").exists():
            subprocess.run(self._as_user(str(self._bin / "pg_ctl"), "-D", str(self.folder / "data"), "-m", "fast",
                                         "-w", "stop"), capture_output=True, timeout=120, check=False)
        shutil.rmtree(self.folder, ignore_errors=True)
        self.folder = None
