"""What travels between the grader and a student's process: values as JSON, arrays as .npy bytes.

The grader never unpickles anything a student's process sends: a value is
rebuilt from JSON (numbers, strings, lists, tuples, dicts) and numpy arrays
from .npy bytes read with allow_pickle=False.  Anything else a student's
function returns (a generator, a class instance, a function) arrives as an
`Opaque` stand-in that carries only its type's name, so the check can say
"it should be a numpy array, but it is a generator".  Exceptions travel as
their class's name, its bases and the message, and are rebuilt as a class of
the same name that is a subclass of the nearest class both sides know (the
builtins, numpy's, this package's), so the diagnosis compares them as before.

One message is one line of JSON.  A reader refuses a line longer than its
limit and nesting deeper than MAX_DEPTH: what a student's process sends is
data to check, never trusted to be well formed.
"""

from __future__ import annotations

import base64
import importlib
import io
import json
import os
import sys

import numpy as np

MAX_DEPTH = 24
MAX_STRING = 20_000  # characters of one string or message that are kept
MAX_NODES = 100_000  # lists, tuples and dicts in one message (each costs the reader far more than its bytes)
KNOWN_MODULES = ("builtins", "numpy", "mlp_lessons")  # where an exception's class may be looked up


class WireError(ValueError):
    """A message that is not what the protocol allows (too long, too deep, not JSON, an unknown tag)."""


class Opaque:
    """Stands for a value that cannot travel (it is not numbers, strings, arrays, lists, tuples or dicts)."""

    def __repr__(self):
        return f"<a {type(self).__name__}>"


def _opaque(name: str) -> Opaque:
    name = name if isinstance(name, str) and name.isidentifier() else "object"
    return type(name, (Opaque,), {})()


# ---- values ----

def encode(value, callables=None, depth: int = 0):
    """value as JSON-ready data.  callables: a list that a callable argument is appended to (sent as its
    index, so the other side can call it back); without it a callable is Opaque."""
    if depth > MAX_DEPTH:
        return {"opaque": type(value).__name__}
    if value is Ellipsis:
        return {"ellipsis": 0}
    if value is None or isinstance(value, (bool, str)) and type(value) in (bool, str):
        return value[:MAX_STRING] if isinstance(value, str) else value
    if type(value) is int:
        return value if abs(value) < 2 ** 63 else {"bigint": str(value)[:MAX_STRING]}
    if type(value) is float:
        return {"float": repr(value)} if value != value or value in (float("inf"), float("-inf")) else value
    if isinstance(value, np.generic) and value.dtype.kind in "biufc":
        return {"scalar": _npy(np.asarray(value))}
    if isinstance(value, np.ndarray) and value.dtype.kind in "biufc":
        return {"array": _npy(np.asarray(value))}
    for kind, tag in ((tuple, "tuple"), (list, "list"), (dict, "dict")):
        if isinstance(value, kind) and (type(value) is kind or _own_class(type(value))):
            items = ([[encode(k, None, depth + 1), encode(v, callables, depth + 1)] for k, v in value.items()]
                     if kind is dict else [encode(v, callables, depth + 1) for v in value])
            out = {tag: items}
            if type(value) is not kind:  # a probe's own list, e.g. one whose IndexError names it
                out["class"] = f"{type(value).__module__}:{type(value).__qualname__}"
            return out
    if callables is not None and callable(value):
        callables.append(value)
        return {"callable": len(callables) - 1}
    return {"opaque": type(value).__name__}


def _own_class(cls) -> bool:
    return cls.__module__.startswith("mlp_lessons.") and "<" not in cls.__qualname__


def _class(path, kind, importing: bool):
    """The package's own subclass of kind named by path ("module:qualname"), or kind itself."""
    module, _, name = str(path).partition(":")
    if not module.startswith("mlp_lessons.") or not name.isidentifier():
        return kind
    if module not in sys.modules and importing:
        try:
            importlib.import_module(module)
        except Exception:
            return kind
    found = getattr(sys.modules.get(module), name, None)
    return found if isinstance(found, type) and issubclass(found, kind) else kind


def _npy(array: np.ndarray) -> str:
    buffer = io.BytesIO()
    np.save(buffer, array if array.flags.c_contiguous else array.copy(order="C"), allow_pickle=False)
    return base64.b64encode(buffer.getvalue()).decode("ascii")


def _from_npy(text) -> np.ndarray:
    if not isinstance(text, str):
        raise WireError("an array that is not .npy bytes")
    try:
        array = np.load(io.BytesIO(base64.b64decode(text, validate=True)), allow_pickle=False)
    except Exception as e:
        raise WireError(f"an array that could not be read ({type(e).__name__})") from None
    if array.dtype.kind not in "biufc":
        raise WireError(f"an array of dtype {array.dtype}")
    return array


def decode(data, call=None, depth: int = 0, importing: bool = False):
    """The value encode made.  call(index, args, kwargs): what a received callable does when called.
    importing: the package's own list classes may be imported to rebuild one (the student's side only)."""
    if depth > MAX_DEPTH:
        raise WireError("a value nested too deeply")
    if data is None or type(data) in (bool, int, float, str):
        return data
    if type(data) is not dict or not 1 <= len(data) <= 2 or (len(data) == 2 and "class" not in data):
        raise WireError(f"an unexpected value of type {type(data).__name__}")
    (tag, body), = ((k, v) for k, v in data.items() if k != "class")
    if tag == "float":
        if body not in ("nan", "inf", "-inf"):
            raise WireError("a float tag for a finite number")
        return float(body)
    if tag == "ellipsis":
        return Ellipsis
    if tag == "bigint":
        return int(str(body)[:5000])
    if tag == "scalar":
        return _from_npy(body)[()]
    if tag == "array":
        return _from_npy(body)
    if tag in ("tuple", "list") and type(body) is list:
        items = [decode(v, call, depth + 1, importing) for v in body]
        kind = tuple if tag == "tuple" else list
        return _class(data["class"], kind, importing)(items) if "class" in data else kind(items)
    if tag == "dict" and type(body) is list:
        out = _class(data["class"], dict, importing)() if "class" in data else {}
        for pair in body:
            if type(pair) is not list or len(pair) != 2:
                raise WireError("a dict entry that is not a pair")
            key = decode(pair[0], None, depth + 1)
            if not isinstance(key, (str, int, float, bool, tuple)) and key is not None:
                raise WireError("a dict key that cannot be a key")
            try:
                out[key] = decode(pair[1], call, depth + 1, importing)
            except TypeError:  # an unhashable tuple key
                raise WireError("a dict key that cannot be a key") from None
        return out
    if tag == "opaque":
        return _opaque(str(body)[:100])
    if tag == "callable" and call is not None and type(body) is int:
        return _Remote(call, body)
    raise WireError(f"an unknown tag {tag!r}")


class _Remote:
    """A callable of the other side: calling it asks the other side to run it."""

    def __init__(self, call, index: int):
        self._call, self._index = call, index

    def __call__(self, *args, **kwargs):
        return self._call(self._index, args, kwargs)


# ---- changes made in place ----

def copy_into(target, source):
    """Make target (an argument this side holds) equal to source (its state on the other side), in place
    where possible: arrays keep their identity, dicts and lists their identity and their entries'.  What
    could not travel (a function, an Opaque stand-in) stays as this side has it."""
    if isinstance(source, (Opaque, _Remote)) or callable(target):
        return target
    if isinstance(target, np.ndarray) and isinstance(source, np.ndarray):
        if target.shape != source.shape:
            try:
                target.resize(source.shape, refcheck=False)
            except (ValueError, TypeError):
                return source
        if target.dtype != source.dtype and not np.can_cast(source.dtype, target.dtype, "same_kind"):
            return source
        try:
            np.copyto(target, source, casting="unsafe")
        except (ValueError, TypeError):
            return source
        return target
    if isinstance(target, dict) and isinstance(source, dict):
        old = dict(target)
        target.clear()
        for k, v in source.items():
            target[k] = copy_into(old[k], v) if k in old else v
        return target
    if isinstance(target, list) and isinstance(source, list):
        old = list(target)
        target[:] = [copy_into(o, v) for o, v in zip(old, source)] + list(source[len(old):])
        return target
    return source


# ---- exceptions ----

def encode_error(error: BaseException) -> dict:
    bases = [f"{c.__module__}.{c.__qualname__}" for c in type(error).__mro__[:-1]]
    try:
        text = str(error)
    except BaseException:
        text = "(the error's message could not be shown)"
    return {"name": type(error).__name__[:100], "bases": bases[:20], "message": text[:MAX_STRING]}


def _known_class(path: str):
    module, _, name = path.rpartition(".")
    if not module.startswith(KNOWN_MODULES) or module not in sys.modules:
        return None
    found = getattr(sys.modules[module], name, None) if "." not in name else None
    return found if isinstance(found, type) and issubclass(found, BaseException) else None


def decode_error(data) -> BaseException:
    """An exception of the same name and message, a subclass of the nearest known class of its bases."""
    if type(data) is not dict:
        raise WireError("an error that is not a dict")
    name, bases, message = str(data.get("name", "Exception")), data.get("bases", []), str(data.get("message", ""))
    bases = [str(b) for b in bases] if type(bases) is list else []
    base = next((c for c in map(_known_class, bases) if c is not None), Exception)
    if issubclass(base, (KeyboardInterrupt, GeneratorExit)):
        base = Exception  # only the grader decides that a run was interrupted
    if not name.isidentifier():
        name = "Exception"
    cls = type(name, (base,), {"__str__": lambda self: message, "__module__": bases[0].rpartition(".")[0]
                               if bases else "builtins"})
    try:
        error = base.__new__(cls)
    except TypeError:  # a class whose __new__ wants arguments: keep the name and message on a plain one
        cls = type(name, (Exception,), {"__str__": lambda self: message})
        error = Exception.__new__(cls)
    error.args = (message,)
    return error


# ---- lines ----

def dumps(message: dict) -> bytes:
    return json.dumps(message, allow_nan=False, separators=(",", ":")).encode("utf-8") + b"\n"


class LineReader:
    """Lines from a file descriptor, each at most `limit` bytes; EOFError at the end."""

    def __init__(self, fd: int, limit: int):
        self.fd, self.limit, self.buffer = fd, limit, bytearray()

    def has_line(self) -> bool:
        return b"\n" in self.buffer

    def feed(self) -> bool:
        """Read what is there (the fd is ready); False at the end of the stream."""
        chunk = os.read(self.fd, 1 << 20)
        if not chunk:
            return False
        self.buffer += chunk
        if b"\n" not in self.buffer and len(self.buffer) > self.limit:
            raise WireError(f"a message longer than {self.limit} bytes")
        return True

    def line(self) -> dict:
        end = self.buffer.index(b"\n")
        if end > self.limit:
            raise WireError(f"a message longer than {self.limit} bytes")
        raw = bytes(self.buffer[:end])
        del self.buffer[:end + 1]
        if raw.count(b"{") + raw.count(b"[") > MAX_NODES:
            raise WireError(f"a message of more than {MAX_NODES} values")
        try:
            message = json.loads(raw)
        except (ValueError, RecursionError):
            raise WireError("a message that is not JSON") from None
        if type(message) is not dict:
            raise WireError("a message that is not a JSON object")
        return message
