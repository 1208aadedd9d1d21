"""A warm `python -m rasd` for the tests (the ``run_cli`` fixture of tests/conftest.py).

Each `rasd` command a test runs is still a process of its own, with its own argv, environment,
working folder, stdin, stdout, stderr and exit status, but it is forked from a server process
that has already imported rasd, spaCy and the model's package (and loaded the model once, so
that spaCy's registries and Python's regular-expression cache are filled), instead of starting
a new interpreter and importing all of that again (some 2-3 s of CPU per command). The command
itself runs as ``python -m rasd`` does (``runpy``, ``__main__``): it loads its model, data
files, gazetteer and store itself; it ends as the interpreter's shutdown ends a process (exit
status, traceback, atexit handlers, files and SQLite connections closed, streams flushed)
without tearing down the server's inherited objects (``_exit``).

Protocol (one Unix-socket connection per command): the client sends a length-prefixed JSON
request (argv, env, cwd) with three file descriptors (stdin, stdout, stderr); a monitor forked
for the connection forks the command, answers ``pid N``, waits for it and answers ``exit CODE``
(negative for a signal, as ``subprocess`` reports it).

``python cli_server.py SOCKET`` runs the server (it prints ``ready`` once listening and exits
when its parent does).
"""
from __future__ import annotations

import json
import locale
import os
import signal
import socket
import struct
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from typing import Optional

_LEN = struct.Struct("!I")


# -- the client (in the test process) ---------------------------------------------------------
class WarmCli:
    """Starts the server on first use; ``run`` is ``subprocess.run([python, -m, rasd, *args])``
    with ``capture_output=True, text=True``. Falls back to a cold subprocess if the server cannot
    start (the reason is kept in ``failure``)."""

    def __init__(self):
        self.proc: Optional[subprocess.Popen] = None
        self.path: Optional[str] = None
        self.failure: Optional[str] = None
        self._lock = threading.Lock()

    def spawn(self) -> None:
        """Start the server (it loads for a while: ``run`` waits until it is ready)."""
        with self._lock:
            if self.proc is None:
                folder = tempfile.mkdtemp(prefix="rasd-warm-cli-")
                self.path = os.path.join(folder, "s")
                self.log = os.path.join(folder, "log")
                with open(self.log, "w") as err:
                    self.proc = subprocess.Popen([sys.executable, __file__, self.path], stdin=subprocess.DEVNULL,
                                                 stdout=subprocess.PIPE, stderr=err, text=True)
                self.ready = False

    def _start(self) -> bool:
        self.spawn()
        with self._lock:
            if self.failure:
                return False
            if self.ready:
                if self.proc.poll() is None:
                    return True
                self.failure = f"the warm CLI server ended: {Path(self.log).read_text()[-2000:]}"
                return False
            line = self.proc.stdout.readline()
            if line.strip() != "ready":
                self.proc.kill()
                self.proc.wait()
                self.failure = f"the warm CLI server did not start: {Path(self.log).read_text()[-2000:]}"
                return False
            self.ready = True
            return True

    def run(self, args, input: Optional[str] = None, env: Optional[dict] = None,
            timeout: float = 600) -> subprocess.CompletedProcess:
        argv = [sys.executable, "-m", "rasd", *args]
        env = dict(os.environ if env is None else env)
        if not self._start():
            return subprocess.run(argv, input=input, capture_output=True, text=True, env=env, timeout=timeout)
        with tempfile.TemporaryFile() as fin, tempfile.TemporaryFile() as fout, tempfile.TemporaryFile() as ferr:
            if input is not None:
                fin.write(input.encode(locale.getpreferredencoding(False)))
                fin.seek(0)
                stdin_fd = fin.fileno()
            else:
                stdin_fd = os.open(os.devnull, os.O_RDONLY)
            try:
                code = self._call(argv[3:], env, [stdin_fd, fout.fileno(), ferr.fileno()], timeout, argv, input)
            finally:
                if input is None:
                    os.close(stdin_fd)
            out, err = (_text(f) for f in (fout, ferr))
        return subprocess.CompletedProcess(argv, code, out, err)

    def _call(self, args, env, fds, timeout, argv, input) -> int:
        req = json.dumps({"argv": list(args), "env": env, "cwd": os.getcwd()}).encode()
        with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as s:
            s.connect(self.path)
            socket.send_fds(s, [_LEN.pack(len(req))], fds)
            s.sendall(req)
            deadline = time.monotonic() + timeout
            reader = s.makefile("r")
            pid = None
            while True:
                s.settimeout(max(0.01, deadline - time.monotonic()))
                try:
                    line = reader.readline()
                except (socket.timeout, TimeoutError):
                    if pid:
                        _kill(pid)
                    raise subprocess.TimeoutExpired(argv, timeout) from None
                if not line:
                    raise RuntimeError("the warm CLI server dropped a command")
                word, value = line.split()
                if word == "pid":
                    pid = int(value)
                else:
                    return int(value)

    def close(self) -> None:
        if self.proc is not None and self.proc.poll() is None:
            self.proc.stdout.close()
            self.proc.terminate()
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()
        if self.path:
            import shutil

            shutil.rmtree(os.path.dirname(self.path), ignore_errors=True)


def _kill(pid: int) -> None:
    try:
        os.kill(pid, signal.SIGKILL)
    except ProcessLookupError:
        pass


def _text(f) -> str:
    """What ``subprocess.run(text=True)`` makes of a stream: the locale's encoding, universal
    newlines."""
    f.seek(0)
    data = f.read().decode(locale.getpreferredencoding(False))
    return data.replace("\r\n", "\n").replace("\r", "\n")


# -- the server -------------------------------------------------------------------------------
def _preload() -> None:
    """Import what a command imports, and load the model once (then drop it): spaCy's registry
    and the model's code are in memory, shared copy-on-write with every command forked."""
    import pkgutil

    import rasd

    for mod in pkgutil.walk_packages(rasd.__path__, "rasd."):
        # not __main__ (it runs the CLI); not the Dask engine (distributed starts threads)
        if mod.name.endswith("__main__") or ".engine.dask" in mod.name:
            continue
        try:
            __import__(mod.name)
        except Exception:  # noqa: BLE001 - a module that does not import here is imported by the command
            pass
    try:
        _preload_models()
    except Exception:  # noqa: BLE001 - each command loads them itself, and says what is wrong
        pass
    import gc

    gc.collect()
    gc.freeze()  # a command's collections never walk (and so never copy) the server's objects


def _preload_models() -> None:
    """Load, once here, what every coding command loads first from the installed package's
    files: the spaCy model (as the coder and the geoparser ask for it) and the coder's data.
    The first such load in each command gets a pristine, copy-on-write copy of that object (the
    server never uses them), any further load in the same command loads anew, exactly as
    without the server; other arguments always load anew."""
    import rasd.nlp.model as model
    from rasd.code.coder import CoderData

    real_nlp = model.load_nlp
    nlps = {(model.MODEL_NAME, (), tuple(d)): real_nlp(disable=d) for d in ((), model.CODER_DISABLE, model.GEO_DISABLE)}

    def load_nlp(name: str = model.MODEL_NAME, exclude: tuple = (), disable: tuple = ()):
        got = nlps.pop((name, tuple(exclude), tuple(disable)), None)
        return got if got is not None else real_nlp(name, exclude, disable)

    load_nlp.__doc__ = real_nlp.__doc__
    for mod in list(sys.modules.values()):  # every module that imported the name
        for key, value in list(getattr(mod, "__dict__", {}).items()):
            if value is real_nlp:
                setattr(mod, key, load_nlp)

    real_data = CoderData.load.__func__
    datas = {"en": [real_data(CoderData, "en") for _ in range(2)]}  # a pipeline's and its writer's

    def load_data(cls, language: str = "en"):
        kept = datas.get(language) if cls is CoderData else None
        return kept.pop() if kept else real_data(cls, language)

    CoderData.load = classmethod(load_data)


def _serve(path: str) -> None:
    _preload()
    parent = os.getppid()
    srv = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
    srv.bind(path)
    srv.listen(64)
    srv.settimeout(1.0)
    signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # monitors are reaped by the kernel
    assert threading.active_count() == 1, "forking with threads running"
    print("ready", flush=True)
    sys.stderr.flush()
    while os.getppid() == parent:
        try:
            conn, _ = srv.accept()
        except (socket.timeout, TimeoutError):
            continue
        conn.settimeout(None)
        msg, fds, _, _ = socket.recv_fds(conn, _LEN.size, 3)
        (n,) = _LEN.unpack(msg)
        data = b""
        while len(data) < n:
            chunk = conn.recv(n - len(data))
            if not chunk:
                break
            data += chunk
        if os.fork() == 0:  # the monitor
            srv.close()
            _monitor(conn, json.loads(data), fds)  # does not return
        conn.close()
        for fd in fds:
            os.close(fd)


def _monitor(conn: socket.socket, req: dict, fds: list[int]) -> None:
    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
    pid = os.fork()
    if pid == 0:
        conn.close()
        _command(req, fds)  # does not return
    try:
        for fd in fds:
            os.close(fd)
        conn.sendall(f"pid {pid}\n".encode())
        _, status = os.waitpid(pid, 0)
        conn.sendall(f"exit {os.waitstatus_to_exitcode(status)}\n".encode())
    finally:
        os._exit(0)


def _command(req: dict, fds: list[int]) -> None:
    """Become ``python -m rasd ARGV`` in ``cwd`` with ``env``, on the three descriptors."""
    for target, fd in enumerate(fds):
        os.dup2(fd, target)
        os.close(fd)
    os.chdir(req["cwd"])
    os.environ.clear()
    os.environ.update(req["env"])
    tempfile.tempdir = None  # read TMPDIR again
    sys.argv = ["-m", *req["argv"]]
    import runpy

    code = 0
    try:
        runpy.run_module("rasd", run_name="__main__", alter_sys=True)
    except SystemExit as exc:  # as the interpreter reads it
        if exc.code is None:
            code = 0
        elif isinstance(exc.code, int):
            code = exc.code
        else:
            print(exc.code, file=sys.stderr)
            code = 1
    except KeyboardInterrupt:
        code = -signal.SIGINT
    except BaseException:  # noqa: BLE001 - as the interpreter: the traceback, exit status 1
        sys.excepthook(*sys.exc_info())
        code = 1
    _exit(code)


def _exit(code: int) -> None:
    """End as the interpreter's shutdown would, without tearing down (and so copying) the
    server's memory: atexit handlers, then every file and SQLite connection the command left
    open flushed and closed (only the command's own objects: the server's are frozen), then
    the standard streams."""
    import atexit
    import gc
    import io
    import sqlite3

    try:
        atexit._run_exitfuncs()
        gc.collect()
        for obj in gc.get_objects():
            try:
                if isinstance(obj, sqlite3.Connection):
                    obj.close()
                elif isinstance(obj, io.IOBase) and not obj.closed and obj.fileno() > 2:
                    obj.close()
            except Exception:  # noqa: BLE001 - as at shutdown: a failing close is ignored
                pass
        for stream in (sys.stdout, sys.stderr):
            stream.flush()
    finally:
        if code < 0:
            signal.signal(-code, signal.SIG_DFL)
            os.kill(os.getpid(), -code)
        os._exit(code & 0xFF)

if __name__ == "__main__":
    sys.path.insert(0, str(Path(__file__).resolve().parent))
    _serve(sys.argv[1])
