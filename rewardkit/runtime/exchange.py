"""The value exchange of assert tests, between the process serving the program and the process running the test.

Loaded by the sandbox runner (runner.py, which lives beside this file inside the sandbox) when a job may hold
assert tests. In the program's sandbox a `serve` test process runs the program, then answers calls read from a
pipe; in a second sandbox a `check` test process runs the test code (a HumanEval `check`, MBPP asserts) with the
program's functions replaced by proxies that write each call to that pipe and wait for the answer.

Values cross as pickles restricted to plain data: on the way out `reducer_override` refuses every object but
exact None, bool, int, float, complex, str, bytes, list, tuple, dict, set and frozenset (the C pickler handles
those itself), on the way in no class is ever looked up but `complex`. So the test applies Python's own `==`,
`abs(x - y) < tol`, `is True` and `sorted` to plain data, integers of any size included, and no method of an
object of the program ever runs in the test's process. A transport failure (a value that is not data or is over
the cap, a program that exited or died) fails the test even if the test would have caught the exception; an
argument of the test that is not data makes the test invalid (it cannot run as written), never a failure.
"""

import _pickle
import builtins
import contextlib
import io
import os

PASSED = b"P"  # a check test ran to its end without an exception and with a sound channel
INVALID = b"I"  # + reason: a check test that cannot run as written (its setup fails, an argument is not data)


class NotData(Exception):
    """A value that is not plain data, over the size cap, or unreadable."""


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]


class _StrictPickler(_pickle.Pickler):
    """Pickles exact built-in data only: the C pickler handles None, bool and exact int, float, str, bytes, list,
    tuple, dict, set and frozenset itself and asks `reducer_override` about everything else, refused here."""

    def reducer_override(self, obj):
        if obj is complex or type(obj) is complex:  # the class is saved by name, the number by its two floats
            return NotImplemented
        raise NotData(f"a {type(obj).__name__} object is not plain data")


class _PlainUnpickler(_pickle.Unpickler):
    """Loads plain data only: no class or function is ever looked up (complex numbers aside)."""

    def find_class(self, module, name):
        if (module, name) == ("builtins", "complex"):
            return complex
        raise NotData(f"{module}.{name} is not plain data")


def _dumps(value):
    buffer = io.BytesIO()
    try:
        _StrictPickler(buffer, 5).dump(value)
    except (RecursionError, MemoryError, ValueError, TypeError, _pickle.PicklingError) as exc:
        raise NotData(f"not plain data ({type(exc).__name__})") from None
    return buffer.getvalue()


def _loads(data):
    try:
        return _PlainUnpickler(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001 - any malformed frame is the sender's failure
        raise NotData(f"unreadable value ({type(exc).__name__})") from None


def _write_frame(fd, data):
    view = memoryview(len(data).to_bytes(8, "big") + data)
    while view:
        view = view[os.write(fd, view):]


def _read_exact(fd, size):
    chunks, left = [], size
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _read_frame(fd, cap):
    """The next frame; None at end of stream; NotData when it is larger than `cap`."""
    header = _read_exact(fd, 8)
    if header is None:
        return None
    size = int.from_bytes(header, "big")
    if size > cap:
        raise NotData(f"a value of {size} bytes is over the cap of {cap}")
    return _read_exact(fd, size)


def serve(namespace, resolve, pair, cap):
    """Answer the checking process's calls until it closes its end (the program's side of a check test);
    `resolve(namespace, name)` finds the function called."""
    request_fd, reply_fd = pair
    while True:
        frame = _read_frame(request_fd, 1 << 62)  # requests come from the trusted test process
        if frame is None:
            return
        name, args, kwargs = _loads(frame)
        try:
            result = resolve(namespace, name)(*args, **kwargs)
            mutable = any(type(arg) in (list, dict, set) for arg in args)  # in-place changes travel back
            reply = ("ok", result, args if mutable else None)
        except SystemExit:
            raise
        except BaseException as exc:  # noqa: BLE001 - the program's exception, reported to the test
            reply = ("raise", type(exc).__name__, _message(exc))
        try:
            data = _dumps(reply)
        except NotData as exc:
            data = _dumps(("bad", f"{name}() returned {exc}"))
        if len(data) > cap:
            data = _dumps(("bad", f"{name}() returned a value over the cap of {cap} bytes"))
        _write_frame(reply_fd, data)


def _message(exc):
    try:
        text = str(exc)
    except BaseException:  # noqa: BLE001 - a program exception whose __str__ fails
        return ""
    return text[:500] if type(text) is str else ""


class CandidateError(Exception):
    """Raised in the test where the program raised an exception that is not a built-in one."""


class _InvalidTest(BaseException):
    """The test cannot run as written (its arguments are not plain data); BaseException so `except Exception`
    in a test does not swallow it."""


class _Channel:
    """The checking side of a pipe pair to the serving process."""

    def __init__(self, request_fd, reply_fd, cap):
        self.request_fd, self.reply_fd, self.cap = request_fd, reply_fd, cap
        self.broken = None  # why the program's answers can no longer be trusted to exist: the test fails
        self.invalid = None

    def call(self, name, args, kwargs):
        if self.broken:
            raise CandidateError(self.broken)
        try:
            request = _dumps((name, args, kwargs))
        except NotData as exc:
            self.invalid = f"an argument of {name}() is {exc}"
            raise _InvalidTest(self.invalid) from None
        try:
            _write_frame(self.request_fd, request)
            frame = _read_frame(self.reply_fd, self.cap)
            reply = None if frame is None else _loads(frame)
        except (OSError, NotData) as exc:
            self.broken = f"{name}(): {exc}"
            raise CandidateError(self.broken) from None
        return self._unpack(name, args, reply)

    def _unpack(self, name, args, reply):
        if type(reply) is tuple and len(reply) == 3 and reply[0] == "ok":
            _copy_back(args, reply[2])
            return reply[1]
        if type(reply) is tuple and len(reply) == 3 and reply[0] == "raise":
            raise _program_exception(reply[1], reply[2])
        self.broken = reply[1] if type(reply) is tuple and len(reply) == 2 and type(reply[1]) is str \
            else f"the program exited or was killed during {name}()"
        raise CandidateError(self.broken)


def _copy_back(args, after):
    """Mirror the program's in-place changes of list, dict and set arguments, as a shared object would show."""
    if type(after) is not tuple or len(after) != len(args):
        return
    for old, new in zip(args, after, strict=True):
        if type(old) is type(new) and type(old) is list:
            old[:] = new
        elif type(old) is type(new) and type(old) in (dict, set):
            old.clear()
            old.update(new)


def _program_exception(name, message):
    """The program's exception as the test sees it: the built-in class of that name, else CandidateError."""
    cls = getattr(builtins, name, None) if type(name) is str else None
    message = message if type(message) is str else ""
    if isinstance(cls, type) and issubclass(cls, Exception):
        try:
            return cls(message)
        except Exception:  # noqa: BLE001 - a built-in whose constructor needs more arguments
            pass
    return CandidateError(f"{name}: {message}")


class _Proxy:
    """Stands for a function of the program inside the test process."""

    def __init__(self, name, channel):
        self.__name__ = self.__qualname__ = name
        self._channel = channel

    def __call__(self, *args, **kwargs):
        return self._channel.call(self.__name__, args, kwargs)

    def __repr__(self):
        return f"<function {self.__name__}>"


def check(test, pair, val_w, cap):
    """Run the test code against proxies; PASSED on the value pipe only if it ends cleanly."""
    channel = _Channel(pair[0], pair[1], cap)
    namespace = {"__name__": "__main__", "__builtins__": builtins}
    try:
        exec(compile(test.get("setup") or "", "setup.py", "exec"), namespace)
    except BaseException as exc:  # noqa: BLE001 - the dataset's setup code fails on its own
        _write_all(val_w, INVALID + f"the test setup fails: {type(exc).__name__}: {exc}"[:300].encode())
        return 0
    for name, target in test["proxies"]:
        namespace[name] = _Proxy(target, channel)
    with contextlib.suppress(_InvalidTest):
        exec(compile(test["program"], "test.py", "exec"), namespace)
    if channel.invalid:
        _write_all(val_w, INVALID + channel.invalid[:300].encode())
        return 0
    if channel.broken:
        raise CandidateError(channel.broken)
    _write_all(val_w, PASSED)
    return 0


def _write_all(fd, data):
    while data:
        data = data[os.write(fd, data):]
