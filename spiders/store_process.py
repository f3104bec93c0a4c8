"""The ingestion store's writes in a process of their own, beside the crawl.

Storing a batch is mostly Python (SQLAlchemy building statements, the batch's
decisions in memory); on a writer thread it took turns with Scrapy's parsing
for the one GIL, so a crawl that stored ran at a quarter of the speed of one
that only parsed (bench/crawl.py). A process of its own has an interpreter of
its own and runs on the other core: the crawl pays only for pickling the items.

The process is a plain loop over a pipe: a call (the ``IngestStore`` method's
name and arguments) in, its result or exception out, one at a time, so batches
keep their order. It holds nothing that is not in the database: if it dies, a
new one takes the call again (every write is idempotent by its natural keys,
and a batch is one transaction, committed whole or not at all). If the crawl's
process dies, the pipe closes and the writer ends after the transaction in
hand; what that committed was never acknowledged, and a re-crawl finds it
stored (exactly once, by the same keys).
"""

from __future__ import annotations

import logging
import os
import pickle
import subprocess
import sys
import threading
from collections import deque
from concurrent.futures import Future
from multiprocessing.connection import Connection
from pathlib import Path
from typing import Any

from sqlalchemy.engine import make_url

from spiders import garbage_collection

log = logging.getLogger(__name__)

STOP = None  # asks the writer to end after the calls before it
JOIN_TIMEOUT_S = 30.0


def usable(database_url: str | None) -> bool:
    """Whether a writer process can share the database: an in-memory SQLite database lives in one process only."""
    if not database_url:
        return False
    url = make_url(database_url)
    if url.get_backend_name() != "sqlite":
        return True
    return url.database not in (None, "", ":memory:") and "mode=memory" not in database_url


def _portable(value: Any) -> Any:
    """``value`` if it pickles; otherwise the same with each exception that does not replaced by a RuntimeError
    carrying its type and message (a driver's exception may hold a connection or a cursor)."""
    try:
        pickle.dumps(value)
        return value
    except Exception:  # noqa: BLE001 — any pickling failure: fall back to plain exceptions
        pass
    if isinstance(value, list):
        return [_portable(v) for v in value]
    if isinstance(value, BaseException):
        return RuntimeError(f"{type(value).__name__}: {value}")
    return RuntimeError(f"unpicklable result {type(value).__name__}")


def serve(calls: Connection, answers: Connection) -> None:
    """The writer process: the database URL first, then ``IngestStore`` calls in order until STOP or the
    crawl's ends of the pipes close."""
    from spiders.store import IngestStore

    try:
        database_url = calls.recv()
    except (EOFError, OSError):
        return
    store = IngestStore(database_url)
    while True:
        try:
            call = calls.recv()
        except (EOFError, OSError):  # the crawl's process is gone: nothing more will come
            return
        if call is STOP:
            return
        method, args, kwargs = call
        try:
            ok, value = True, getattr(store, method)(*args, **kwargs)
        except Exception as exc:  # noqa: BLE001 — handed back to the caller, which reports it
            ok, value = False, exc
        try:
            answers.send((ok, _portable(value)))
        except (BrokenPipeError, OSError):
            return


class WriterGone(RuntimeError):
    """The writer process ended while a call was in hand, and a new one could not take it."""


class StoreProcess:
    """Calls to an ``IngestStore`` that lives in a process of its own, in the order they are submitted.

    ``submit`` sends a call and returns a future at once, so the next batch waits in the pipe while the
    writer stores the one before (the writer never idles between batches); a reader thread resolves the
    futures in order as the answers come. ``call`` waits for its answer. If the writer dies, a new one
    is started and given every call not answered yet, again in order (each is idempotent); when two
    writers in a row end without answering, the waiting calls and every later one fail with ``WriterGone``.

    The process is ``python -m spiders.store_process``, not a multiprocessing child: a spawned child
    imports its parent's main module again (the whole CLI for ``netra crawl``), which doubled its start.
    """

    def __init__(self, database_url: str):
        self.database_url = database_url
        # Sends (and restarts) one at a time, in order; never held while waiting for an answer, or a full
        # answers pipe would stop the writer from reading the call being sent.
        self._send_lock = threading.Lock()
        self._pending_lock = threading.Lock()
        self._pending: deque[_Call] = deque()
        self._process: subprocess.Popen[bytes] | None = None
        self._calls: Connection | None = None
        self._generation = 0
        self._closed = False
        self._deaths = 0  # writers that ended in a row without answering
        self._broken: WriterGone | None = None
        with self._send_lock:
            self._start()

    def _start(self) -> None:
        calls_read, calls_write = os.pipe()
        answers_read, answers_write = os.pipe()
        # Importable from a source checkout too (tests, bench/): the folder that holds this package comes first.
        package_root = str(Path(__file__).resolve().parent.parent)
        env = {**os.environ, "PYTHONPATH": os.pathsep.join(
            p for p in (package_root, os.environ.get("PYTHONPATH")) if p)}
        try:
            self._process = subprocess.Popen(
                [sys.executable, "-m", "spiders.store_process", str(calls_read), str(answers_write)],
                pass_fds=(calls_read, answers_write), env=env, stdin=subprocess.DEVNULL)
        finally:
            os.close(calls_read)  # the writer's ends live in the writer only: its death then reads as EOF here
            os.close(answers_write)
        self._calls = Connection(calls_write, readable=False)
        self._generation += 1
        reader = threading.Thread(target=self._read, args=(Connection(answers_read, writable=False),
                                                           self._process, self._generation),
                                  name="netra-store-answers", daemon=True)
        reader.start()
        self._send(self.database_url)  # through the pipe, not the command line: it may hold a password

    def _send(self, message: Any) -> None:
        assert self._calls is not None
        try:
            self._calls.send(message)
        except (BrokenPipeError, ConnectionResetError, OSError):
            pass  # the writer died: its reader sees the end of its answers and starts another

    def submit(self, method: str, *args: Any, **kwargs: Any) -> Future[Any]:
        """``IngestStore.<method>(*args, **kwargs)`` in the writer, in submission order; its result as a future."""
        call = _Call(Future(), (method, args, kwargs))
        with self._send_lock:
            if self._closed:
                raise RuntimeError("the ingest writer is closed")
            if self._broken is not None:
                call.future.set_exception(self._broken)
                return call.future
            with self._pending_lock:
                self._pending.append(call)
            self._send(call.message)
        return call.future

    def call(self, method: str, *args: Any, **kwargs: Any) -> Any:
        """``IngestStore.<method>(*args, **kwargs)`` in the writer; its exception is raised here."""
        return self.submit(method, *args, **kwargs).result()

    def _read(self, answers: Connection, process: subprocess.Popen[bytes], generation: int) -> None:
        """The answers of one writer, each to the oldest call waiting; at its end, a new writer if calls wait."""
        try:
            while True:
                try:
                    ok, value = answers.recv()
                except (EOFError, OSError):
                    break
                with self._pending_lock:
                    call = self._pending.popleft()
                self._deaths = 0  # a writer that answers is a working one
                if ok:
                    call.future.set_result(value)
                else:
                    call.future.set_exception(value)
        finally:
            answers.close()
        exit_code = process.wait()
        with self._send_lock:
            if self._closed or generation != self._generation:
                return
            # The writer died (killed, out of memory). A transaction in hand rolled back or committed whole;
            # the calls are idempotent, so a fresh writer takes every unanswered one again, in order.
            self._deaths += 1
            with self._pending_lock:
                waiting = list(self._pending)
            log.warning("ingest writer process ended (exit code %s) with %d call(s) waiting", exit_code,
                        len(waiting))
            if self._deaths >= 2:  # two in a row without an answer: it cannot work; say so instead of looping
                during = f" during {waiting[0].message[0]}" if waiting else ""
                self._broken = WriterGone(f"the ingest writer process ended twice{during} (exit code {exit_code})")
                with self._pending_lock:
                    self._pending.clear()
                for call in waiting:
                    call.future.set_exception(self._broken)
                return
            self._close_calls()
            self._start()
            for call in waiting:
                self._send(call.message)

    def _close_calls(self) -> None:
        if self._calls is not None:
            self._calls.close()
            self._calls = None

    def close(self) -> None:
        """Let the writer finish what it was given and end."""
        with self._send_lock:
            if self._closed:
                return
            self._closed = True
            process = self._process
            self._send(STOP)
        assert process is not None
        try:
            process.wait(timeout=JOIN_TIMEOUT_S)
        except subprocess.TimeoutExpired:
            log.warning("ingest writer process did not end in %.0f s; terminating it", JOIN_TIMEOUT_S)
            process.terminate()
            process.wait()
        with self._send_lock:
            self._close_calls()
            self._process = None


class _Call:
    def __init__(self, future: Future[Any], message: tuple[str, tuple[Any, ...], dict[str, Any]]):
        self.future = future
        self.message = message


def main(argv: list[str]) -> None:
    calls_fd, answers_fd = (int(a) for a in argv)
    garbage_collection.relax()  # a process of its own, for as long as the crawl: see spiders/garbage_collection.py
    serve(Connection(calls_fd, writable=False), Connection(answers_fd, readable=False))


if __name__ == "__main__":
    main(sys.argv[1:])
