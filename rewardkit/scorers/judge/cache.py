"""A persistent cache of judge replies in one sqlite3 file, so re-scoring a dataset does not pay twice.

Keys are SHA-256 digests of everything that determines a reply: backend kind, model, generation settings
and the exact messages sent (template, rubric and inputs included). Several worker processes may share one
file: WAL journaling plus a busy timeout serialise writers, every process opens its own connection (also
after a fork or unpickling), and `INSERT OR IGNORE` makes concurrent writes of the same key harmless.
A cache that cannot be opened or written degrades to "no cache" with one warning: it never fails a score.
"""

from __future__ import annotations

import hashlib
import json
import os
import sqlite3
import threading
import time
import warnings
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

_SCHEMA = ("CREATE TABLE IF NOT EXISTS replies (key TEXT PRIMARY KEY, reply TEXT NOT NULL, "
           "tokens_in INTEGER, tokens_out INTEGER, created REAL NOT NULL)")
_OPEN_ATTEMPTS = 20
_CHUNK = 500  # keys per SELECT (sqlite's bound-parameter limit is 999 on old builds)


def default_cache_dir() -> Path:
    """`$REWARDKIT_CACHE_DIR/judge`, else `$XDG_CACHE_HOME/rewardkit/judge`, else `~/.cache/rewardkit/judge`."""
    root = os.environ.get("REWARDKIT_CACHE_DIR")
    if root:
        return Path(root) / "judge"
    xdg = os.environ.get("XDG_CACHE_HOME")
    return Path(xdg or Path.home() / ".cache") / "rewardkit" / "judge"


def cache_key(parts: Mapping[str, Any]) -> str:
    """A stable digest of a request (dict order and unicode escaping do not matter)."""
    blob = json.dumps(parts, sort_keys=True, ensure_ascii=False, separators=(",", ":"), default=str)
    return hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()


@dataclass(frozen=True)
class CachedReply:
    text: str
    tokens_in: int | None = None
    tokens_out: int | None = None


class ReplyCache:
    """Replies by key in `<directory>/replies.sqlite`. Picklable: the connection is reopened where used."""

    def __init__(self, directory: str | Path) -> None:
        self.path = Path(directory) / "replies.sqlite"
        self._conn: sqlite3.Connection | None = None
        self._pid = -1
        self._lock = threading.Lock()
        self._broken = False

    def __getstate__(self) -> dict[str, Any]:
        return {"path": self.path, "_broken": self._broken}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__init__(state["path"].parent)
        self._broken = state["_broken"]

    def _connection(self) -> sqlite3.Connection | None:
        if self._broken:
            return None
        if self._conn is None or self._pid != os.getpid():
            try:
                self.path.parent.mkdir(parents=True, exist_ok=True)
                conn = self._open()
            except (OSError, sqlite3.Error) as exc:
                self._give_up(exc)
                return None
            self._conn, self._pid = conn, os.getpid()
        return self._conn

    def _open(self) -> sqlite3.Connection:
        """Connect and set up the file. Switching to WAL takes an exclusive lock for which sqlite does not wait
        on its busy handler, so two workers opening a new file at once can see "database is locked": retry."""
        attempts = 0
        while True:
            conn = sqlite3.connect(self.path, timeout=30.0, isolation_level=None, check_same_thread=False)
            try:
                conn.execute("PRAGMA busy_timeout = 30000")
                conn.execute("PRAGMA journal_mode = WAL")
                conn.execute(_SCHEMA)
                return conn
            except sqlite3.OperationalError as exc:
                conn.close()
                attempts += 1
                if "locked" not in str(exc) or attempts >= _OPEN_ATTEMPTS:
                    raise
                time.sleep(0.05 * attempts)

    def _give_up(self, exc: Exception) -> None:
        warnings.warn(f"judge reply cache {self.path} disabled: {exc}", RuntimeWarning, stacklevel=3)
        self._broken = True

    def get_many(self, keys: Iterable[str]) -> dict[str, CachedReply]:
        """The cached replies among `keys`."""
        wanted = list(dict.fromkeys(keys))
        found: dict[str, CachedReply] = {}
        with self._lock:
            conn = self._connection()
            if conn is None:
                return found
            try:
                for i in range(0, len(wanted), _CHUNK):
                    chunk = wanted[i:i + _CHUNK]
                    rows = conn.execute(f"SELECT key, reply, tokens_in, tokens_out FROM replies WHERE key IN "
                                        f"({','.join('?' * len(chunk))})", chunk).fetchall()
                    found.update({k: CachedReply(r, ti, to) for k, r, ti, to in rows})
            except sqlite3.Error as exc:
                self._give_up(exc)
        return found

    def put_many(self, items: Mapping[str, CachedReply]) -> None:
        """Store replies; a key already present keeps its first reply."""
        if not items:
            return
        now = time.time()
        rows = [(k, v.text, v.tokens_in, v.tokens_out, now) for k, v in items.items()]
        with self._lock:
            conn = self._connection()
            if conn is None:
                return
            try:
                conn.execute("BEGIN IMMEDIATE")
                conn.executemany("INSERT OR IGNORE INTO replies VALUES (?, ?, ?, ?, ?)", rows)
                conn.execute("COMMIT")
            except sqlite3.Error as exc:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                self._give_up(exc)

    def __len__(self) -> int:
        with self._lock:
            conn = self._connection()
            return 0 if conn is None else conn.execute("SELECT COUNT(*) FROM replies").fetchone()[0]
