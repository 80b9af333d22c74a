"""A throwaway PostgreSQL server on 127.0.0.1 for integration tests (stdlib only).

Runs Debian's ``postgresql`` binaries (``/usr/lib/postgresql/<version>/bin``) directly:
``initdb`` into a scratch folder made with ``tempfile`` (trust authentication, superuser
``gatehouse``), then ``postgres`` itself as our child process listening on a free
127.0.0.1 port, with its Unix socket inside the scratch folder (nothing in /run or /tmp is
shared with other servers). Durability is switched off (fsync, synchronous_commit) because
the data dies with the test. Readiness is polled with ``pg_isready``. The server is stopped
by its PID (SIGINT = fast shutdown, then SIGKILL) in ``stop()``, ``__exit__`` and at
interpreter exit (atexit); as a last resort it gets SIGTERM when the Python process dies
(PR_SET_PDEATHSIG). PostgreSQL refuses to run as root: under root the cluster is owned
by, and the server runs as, the ``postgres`` system user the Debian package creates.

Usage::

    from harness.postgres import Postgres

    with Postgres() as pg:
        pg.url                          # postgresql://gatehouse@127.0.0.1:<port>/postgres
        url = pg.create_database("registry")   # a fresh database, its URL
        pg.psql("SELECT 1", database="registry")

        # gatehouse serve --registry-database <url> ...
        # or the store unit tests against this server:
        #   GATEHOUSE_TEST_POSTGRES_URL=<pg.url> unit_adapters_registry_store --gtest_filter=...

Self-check: ``python3 tests/integration/harness/postgres.py`` starts and stops a server;
``--run-unit build/<dir>/tests/unit_adapters_registry_store`` also runs the registry store unit tests
against it (PostgreSQL and SQLite, none skipped); ``--serve`` keeps it running.
Errors raise PostgresError; messages never contain passwords (there are none: trust auth
on loopback only).
"""

import atexit
import glob
import os
import pwd
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import time

try:
    from .process import die_with_parent, free_port, stop_process, tail
except ImportError:  # run as a script from this folder
    from process import die_with_parent, free_port, stop_process, tail

SUPERUSER = "gatehouse"
RUN_AS_WHEN_ROOT = "postgres"
STORE_TEST_FILTER = ("*RegistryStore*:*SqliteStore*:*PostgresStore*:*PostgresServer*:"
                     "*OpenRegistryStore*:*RedactDatabaseUrl*")


class PostgresError(Exception):
    """PostgreSQL could not be started, or a psql call failed."""


def bin_dir():
    """The newest /usr/lib/postgresql/<version>/bin holding initdb and postgres, or None."""
    candidates = []
    for path in glob.glob("/usr/lib/postgresql/*/bin"):
        version = os.path.basename(os.path.dirname(path))
        if version.isdigit() and all(os.access(os.path.join(path, b), os.X_OK)
                                     for b in ("initdb", "postgres", "pg_isready", "psql")):
            candidates.append((int(version), path))
    return max(candidates)[1] if candidates else None


def is_available():
    """True when the PostgreSQL server binaries are installed (for test skipping)."""
    if bin_dir() is None:
        return False
    if os.geteuid() == 0:
        try:
            pwd.getpwnam(RUN_AS_WHEN_ROOT)
        except KeyError:
            return False
    return True


def _child_env():
    env = dict(os.environ)
    # A PGHOST/PGPORT/PGDATABASE/... of the test runner must not redirect our own calls.
    for var in list(env):
        if var.startswith("PG"):
            env.pop(var)
    env["LC_ALL"] = "C"
    return env


class Postgres:
    """One PostgreSQL server. Not thread-safe; use one instance per test process/thread.

    Args:
      start_timeout: seconds to wait for pg_isready to answer "accepting connections".
      keep_dir: keep the scratch folder after stop() (also env GATEHOUSE_KEEP_POSTGRES_DIR=1).
      extra_settings: {name: value} passed as ``-c name=value`` to the server.
    """

    def __init__(self, start_timeout=60.0, keep_dir=False, extra_settings=None):
        self.start_timeout = float(start_timeout)
        self.keep_dir = keep_dir or os.environ.get("GATEHOUSE_KEEP_POSTGRES_DIR") == "1"
        self.extra_settings = dict(extra_settings or {})
        self.bin = None
        self.dir = None
        self.port = None
        self.pid = None
        self._proc = None
        self._run_as = None  # (uid, gid) when started as root

    # ----------------------------------------------------------------------------------
    # Life cycle

    @property
    def data_dir(self):
        return os.path.join(self.dir, "data")

    @property
    def socket_dir(self):
        return os.path.join(self.dir, "socket")

    @property
    def log_file(self):
        return os.path.join(self.dir, "postgres.log")

    @property
    def url(self):
        """The libpq URL of the ``postgres`` database as superuser ``gatehouse``."""
        return self.database_url("postgres")

    def database_url(self, database):
        return "postgresql://%s@127.0.0.1:%d/%s" % (SUPERUSER, self.port, database)

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False

    def start(self):
        """initdb, start the server, wait until it accepts connections. Returns self.

        Raises PostgresError (after cleaning up) on any failure.
        """
        if self._proc is not None:
            return self
        self.bin = bin_dir()
        if self.bin is None or not is_available():
            raise PostgresError("PostgreSQL server binaries not installed (Debian: postgresql)")
        atexit.register(self.stop)
        try:
            self.dir = tempfile.mkdtemp(prefix="gatehouse-postgres-")
            os.makedirs(self.socket_dir, mode=0o700)
            if os.geteuid() == 0:
                entry = pwd.getpwnam(RUN_AS_WHEN_ROOT)
                self._run_as = (entry.pw_uid, entry.pw_gid)
                for path in (self.dir, self.socket_dir):
                    os.chown(path, entry.pw_uid, entry.pw_gid)
            self._initdb()
            last_error = None
            for _ in range(3):  # the free port may be taken between free_port() and bind
                self.port = free_port()
                try:
                    self._start_server()
                    break
                except PostgresError as e:
                    last_error = e
                    self._stop_server()
                    if "could not bind" not in tail(self.log_file, 200):
                        raise
            else:
                raise last_error
        except BaseException:
            self.stop()
            raise
        return self

    def stop(self):
        """Stops the server by PID (SIGINT, then SIGKILL after 15 s) and removes the scratch
        folder. Idempotent; safe from atexit."""
        self._stop_server()
        if self.dir and not self.keep_dir:
            shutil.rmtree(self.dir, ignore_errors=True)
            self.dir = None

    def _preexec(self):
        """preexec_fn: drop to the postgres user under root, then die with the parent
        (the death signal must be set after setuid: changing credentials clears it)."""
        if self._run_as is not None:
            uid, gid = self._run_as
            os.setgroups([])
            os.setgid(gid)
            os.setuid(uid)
        die_with_parent()

    def _run(self, cmd, timeout=120, input_text=None):
        r = subprocess.run(cmd, env=_child_env(), stdout=subprocess.PIPE,
                           stderr=subprocess.STDOUT, timeout=timeout, cwd=self.dir,
                           preexec_fn=self._preexec, input=input_text, text=True)
        return r.returncode, r.stdout

    def _initdb(self):
        rc, out = self._run([os.path.join(self.bin, "initdb"), "-D", self.data_dir,
                             "-A", "trust", "-U", SUPERUSER, "-E", "UTF8", "--locale=C",
                             "--no-sync"])
        if rc != 0:
            raise PostgresError("initdb failed (rc=%d):\n%s" % (rc, out[-3000:]))

    def _start_server(self):
        settings = {
            "listen_addresses": "127.0.0.1",
            "port": str(self.port),
            "unix_socket_directories": self.socket_dir,
            "fsync": "off",
            "synchronous_commit": "off",
            "full_page_writes": "off",
            "max_connections": "100",
            "log_min_messages": "warning",
        }
        settings.update({k: str(v) for k, v in self.extra_settings.items()})
        cmd = [os.path.join(self.bin, "postgres"), "-D", self.data_dir]
        for name, value in settings.items():
            cmd += ["-c", "%s=%s" % (name, value)]
        log = open(self.log_file, "ab")
        if self._run_as is not None:
            os.chown(self.log_file, *self._run_as)
        try:
            # postgres does not daemonize: the PID we hold is the postmaster's.
            self._proc = subprocess.Popen(cmd, env=_child_env(), cwd=self.dir,
                                          stdin=subprocess.DEVNULL, stdout=log, stderr=log,
                                          preexec_fn=self._preexec)
        finally:
            log.close()
        self.pid = self._proc.pid
        deadline = time.monotonic() + self.start_timeout
        while time.monotonic() < deadline:
            if self._proc.poll() is not None:
                raise PostgresError("postgres exited with %s before accepting connections; "
                                    "log:\n%s" % (self._proc.returncode, tail(self.log_file)))
            rc, _ = self._run([os.path.join(self.bin, "pg_isready"), "-q", "-h", "127.0.0.1",
                               "-p", str(self.port), "-U", SUPERUSER, "-d", "postgres"],
                              timeout=10)
            if rc == 0:
                return
            time.sleep(0.1)
        raise PostgresError("PostgreSQL not ready after %.0f s; log:\n%s"
                            % (self.start_timeout, tail(self.log_file)))

    def _stop_server(self):
        proc, self._proc = self._proc, None
        if proc is None:
            return
        # SIGINT = "fast" shutdown: disconnects clients, rolls back, exits cleanly. Backends are
        # in the process group we created for the postmaster (setpgrp); after a SIGKILL of the
        # postmaster they would linger.
        stop_process(proc, first_signal=signal.SIGINT, grace=15, kill_group=True)
        self.pid = None

    # ----------------------------------------------------------------------------------
    # SQL

    def psql(self, sql, database="postgres"):
        """Runs SQL with psql (ON_ERROR_STOP); returns its unaligned, tuples-only output."""
        if self._proc is None:
            raise PostgresError("server not started")
        rc, out = self._run([os.path.join(self.bin, "psql"), "-X", "-q", "-A", "-t",
                             "-v", "ON_ERROR_STOP=1", "-h", "127.0.0.1", "-p", str(self.port),
                             "-U", SUPERUSER, "-d", database, "-f", "-"],
                            timeout=60, input_text=sql)
        if rc != 0:
            raise PostgresError("psql failed (rc=%d): %s" % (rc, out[-2000:]))
        return out

    def create_database(self, name):
        """Creates database `name` (letters, digits, underscore) and returns its URL."""
        if not re.fullmatch(r"[a-z_][a-z0-9_]{0,62}", name):
            raise PostgresError("database name must match [a-z_][a-z0-9_]*: %r" % name)
        self.psql("CREATE DATABASE %s" % name)
        return self.database_url(name)


# --------------------------------------------------------------------------------------
# Self-check: python3 tests/integration/harness/postgres.py [--run-unit BINARY] [--serve]


def _self_check(unit_binary=None):
    t0 = time.monotonic()
    with Postgres() as pg:
        t_ready = time.monotonic() - t0
        assert pg.psql("SELECT 1").strip() == "1"
        url = pg.create_database("registry_check")
        assert pg.psql("SELECT current_database()", database="registry_check").strip() == \
            "registry_check"
        server_pid = pg.pid
        summary = ""
        if unit_binary:
            env = dict(os.environ, GATEHOUSE_TEST_POSTGRES_URL=pg.url)
            r = subprocess.run([unit_binary, "--gtest_filter=" + STORE_TEST_FILTER,
                                "--gtest_brief=1"], env=env, stdout=subprocess.PIPE,
                               stderr=subprocess.STDOUT, text=True, timeout=600)
            print(r.stdout[-4000:])
            if r.returncode != 0:
                raise PostgresError("store unit tests failed against %s" % pg.url)
            if "SKIPPED" in r.stdout:
                raise PostgresError("store unit tests were skipped: URL not seen")
            passed = re.search(r"\[  PASSED  \] (\d+) test", r.stdout)
            summary = ", %s store unit tests passed" % (passed.group(1) if passed else "?")
    try:
        os.kill(server_pid, 0)
        raise AssertionError("postgres %d still running after stop()" % server_pid)
    except ProcessLookupError:
        pass
    print("postgres harness OK: %s ready in %.1f s%s, total %.1f s"
          % (url, t_ready, summary, time.monotonic() - t0))


def _serve():
    with Postgres() as pg:
        print("PostgreSQL at %s  dir %s  pid %d" % (pg.url, pg.dir, pg.pid), flush=True)
        signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
        try:
            while True:
                time.sleep(3600)
        except KeyboardInterrupt:
            pass


if __name__ == "__main__":
    args = sys.argv[1:]
    if "--serve" in args:
        _serve()
    else:
        binary = None
        if "--run-unit" in args:
            binary = args[args.index("--run-unit") + 1]
        _self_check(binary)
