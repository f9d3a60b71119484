"""The diagnosis engine: run a student's function on probes and name what is wrong, in words.

Each check_*(fn) calls fn on several probes: inputs with m > 1 examples whose
sizes are all different (so a missing or misplaced transpose changes the shape
or fails, and a sum over the wrong axis or a stray 1/m shows), the same with
one example (m = 1), and a few shapes on which a typical mistake happens to run
(so a wrong transpose that crashes elsewhere can be recognised).  Nothing is 0
or 1, so a forgotten phi'(z) or b shows.

The answer on every probe is compared with the right one (computed by the
package's own functions) and with each entry of the catalogue of typical
mistakes (MISTAKES, one table per exercise).  A mistake is named only when the
student's function behaves exactly like it on every probe, and like no other
mistake, so a wrong answer never gets another mistake's hint.  An answer that
is right for one example but not for a batch gets a hint that says why.

A stub that still raises NotImplementedError gets "Not implemented yet".
Nothing here raises, and a student function that crashes, or calls sys.exit,
becomes a message: an unfinished exercise never stops a notebook.  Each
notebook ends with summary(notebook), which lists which exercises pass.
Sits at the top of the package, beside the plots: it only calls the package's
own functions.  Grading a class (mlp_lessons.grading) runs these same checks.
"""

from __future__ import annotations

from typing import Callable, NamedTuple

import numpy as np

from ..errors import plural, shape_str


class Result(NamedTuple):
    """What a check found.

    status: "pass", "not implemented", "wrong", "error" or "missing" (no such function);
    code: the mistake's code (or "pass", "unknown", ...); message: the line the student
    sees; hint: the message without the exercise's name (what the grading CSV shows).
    """

    status: str
    code: str
    message: str
    hint: str = ""


class Mistake(NamedTuple):
    code: str
    hint: str
    answer: Callable  # the wrong answer, with the same signature as the student's function
    exact_error: bool = False  # recognised by the exact error it raises (else by its values)


class Exercise(NamedTuple):
    name: str  # what the student computes, e.g. "dJ/dW[l] = dJ/dZ[l] (A[l-1])^T"
    args: str  # the student's arguments, in the order of the symbols of the equation
    correct: Callable  # the right answer, with the student's signature
    make_inputs: Callable  # (dims, rng) -> tuple of arguments
    probes: list  # dicts of sizes; the first has m > 1 and all sizes different
    mistakes: list
    parts: tuple = ()  # names of the outputs when fn returns a tuple
    describe: Callable | None = None  # (args) -> one line about the right shapes, for the pass message
    observe: Callable | None = None  # (fn, args) -> what is compared; default fn(*args)
    explain: Callable | None = None  # (answer, right) -> why they differ, for answers no mistake explains
    equation: str = "the equation above the exercise"  # what "compare your code with ..." names
    tol: dict | None = None
    finish: Callable | None = None  # (fn) -> (passed, line): a last test once every probe is right
    batch_note: bool = True  # say "right for one example, not for a batch" when that is so
    pure: bool = False  # the function must leave its arguments as they were (a change in place is wrong)


TOL = dict(rtol=1e-6, atol=1e-9)


# ---- comparing answers ----

def _as_array(x):
    if isinstance(x, np.ndarray):
        return x
    try:
        return np.asarray(x, dtype=np.float64)
    except (TypeError, ValueError):
        return None


def _same(a, b, tol=TOL) -> bool:
    """Equal shapes and values (NaN equals NaN); tuples and dicts part by part."""
    if isinstance(b, tuple):
        return isinstance(a, (tuple, list)) and len(a) == len(b) and all(_same(x, y, tol) for x, y in zip(a, b))
    if isinstance(b, dict):
        return isinstance(a, dict) and set(a) == set(b) and all(_same(a[k], b[k], tol) for k in b)
    if isinstance(b, (bool, str, int)) or b is None:
        return type(a) is type(b) and a == b
    if isinstance(b, float):
        try:
            return bool(np.ndim(a) == 0 and np.isclose(float(a), b, equal_nan=True, **tol))
        except (TypeError, ValueError):
            return False
    a = _as_array(a)
    return (a is not None and a.shape == b.shape and a.dtype.kind in "biuf"
            and bool(np.allclose(a, b, equal_nan=True, **tol)))


def _copy(a):
    if isinstance(a, dict):
        return {k: _copy(v) for k, v in a.items()}
    if isinstance(a, list):
        return type(a)(a)
    return a.copy() if isinstance(a, np.ndarray) else a


class Outcome(NamedTuple):
    value: object = None
    error: BaseException | None = None
    todo: bool = False  # raised NotImplementedError
    changed: str = ""  # the argument the function changed in place (checked when the exercise is pure)


def _unchanged(before, after) -> bool:
    """after (the copy the function was given) still equals before, entry for entry, key for key."""
    if isinstance(before, np.ndarray):
        return (isinstance(after, np.ndarray) and after.shape == before.shape and after.dtype == before.dtype
                and bool(np.array_equal(after, before, equal_nan=True)))
    if isinstance(before, dict):
        return (isinstance(after, dict) and list(after) == list(before)
                and all(_unchanged(before[k], after[k]) for k in before))
    if isinstance(before, list):
        return isinstance(after, list) and len(after) == len(before) and all(map(_unchanged, before, after))
    try:
        return after is before or (type(after) is type(before) and bool(after == before))
    except Exception:
        return False


def _changed_argument(ex: Exercise, args, copies) -> str:
    names = [a.strip() for a in ex.args.split(",")]
    return next((name for name, a, c in zip(names, args, copies) if not _unchanged(a, c)), "")


def _run(ex: Exercise, fn, args) -> Outcome:
    """fn on copies of args (so it cannot spoil the next comparison); any exception becomes an Outcome.

    For a pure exercise the copies are compared afterwards with the arguments: a change
    made in place is part of the outcome (an answer right in value but written into its
    input is not the right answer).
    """
    copies = tuple(_copy(a) for a in args)
    try:
        with np.errstate(all="ignore"):
            value = ex.observe(fn, copies) if ex.observe is not None else fn(*copies)
    except NotImplementedError:
        return Outcome(todo=True)
    except KeyboardInterrupt:  # the student (or the grader's time limit) stops a run that hangs
        raise
    except BaseException as e:  # SystemExit from sys.exit() included: it must not end the kernel
        return Outcome(error=e)
    return Outcome(value, changed=_changed_argument(ex, args, copies) if ex.pure else "")


def _text(e: BaseException) -> str:
    try:
        return str(e)
    except BaseException:
        return "(the error's message could not be shown)"


def _agree(ex: Exercise, a: Outcome, b: Outcome, exact_error: bool = False) -> bool:
    if a.error is not None or b.error is not None:
        if a.error is None or b.error is None:
            return False
        if not (isinstance(a.error, type(b.error)) or isinstance(b.error, type(a.error))):
            return False  # the same kind of error (the package's ShapeError is a ValueError, like numpy's)
        return not exact_error or _text(a.error) == _text(b.error)
    return a.changed == b.changed and _same(a.value, b.value, ex.tol or TOL)


# ---- describing what is wrong ----

def _shape(shape) -> str:
    return f"({shape[0]},)" if len(shape) == 1 else shape_str(shape)


def _describe_difference(ex: Exercise, answer, right, parts=None) -> str:
    """A plain description of an answer that matches no known mistake."""
    parts = ex.parts if parts is None else parts
    if isinstance(right, tuple):
        if not isinstance(answer, (tuple, list)) or len(answer) != len(right):
            return f"Return {plural(len(right), 'thing')}, ({', '.join(parts)}), as a tuple."
        for part, a, r in zip(parts, answer, right):
            if not _same(a, r, ex.tol or TOL):
                return f"In {part}: {_describe_difference(ex, a, r, ())}"
        return "The answer is not right yet."
    if isinstance(right, dict):
        if not isinstance(answer, dict) or set(answer) != set(right):
            return f"Return a dict with the keys {sorted(right)}."
        for k in sorted(right):
            if not _same(answer[k], right[k], ex.tol or TOL):
                where = f"layer {k}" if isinstance(k, int) else k
                return f"In {where}: {_describe_difference(ex, answer[k], right[k], ())}"
        return "The answer is not right yet."
    if isinstance(right, float):
        if np.ndim(answer) != 0:
            return (f"It should be a single number, but it has shape {_shape(np.shape(answer))}. "
                    f"Did you forget to sum over the entries (np.sum)?")
        try:
            return f"Expected {right:.6g}, got {float(answer):.6g}."
        except (TypeError, ValueError):
            return f"It should be a number, but it is a {type(answer).__name__}."
    a = _as_array(answer)
    if a is None or a.dtype.kind not in "biuf":
        return f"It should be a numpy array of numbers, but it is a {type(answer).__name__}."
    if a.shape != right.shape:
        hint = " It is the transpose of the right shape: check the order of the product." if (
            a.shape == right.shape[::-1]) else ""
        return f"The shape should be {_shape(right.shape)}, but it is {_shape(a.shape)}.{hint}"
    if np.isnan(a).any() and not np.isnan(right).any():
        return "Some entries are NaN (not a number): look for a division by zero or an overflow."
    return f"The shape is right but the values are not. Compare your code with {ex.equation} term by term."


def _crash_hint(ex: Exercise, e: BaseException, args) -> str:
    if isinstance(e, SystemExit):
        return ("Your function called sys.exit() (or exit() or quit()), which would stop the notebook. "
                "Return the result instead.")
    shapes = ", ".join(shape_str(a.shape) for a in args if isinstance(a, np.ndarray))
    given = f" (called with arrays of shapes {shapes})" if shapes else ""
    text = _text(e).lower()
    if any(word in text for word in ("mismatch", "not aligned", "broadcast", "shapes")):
        hint = ("The shapes in a product or a sum do not line up: write down the shape of each factor "
                "and look for a missing or extra transpose.")
    else:
        hint = "Read the message, fix that line, and run the check again."
    return f"Your function raised {type(e).__name__}: {_text(e)}{given}. {hint}"


# ---- the diagnosis ----

def _resolve(dims: dict) -> dict:
    """A size given as the name of another size copies it, e.g. p="m": shapes where a mistake fits."""
    return {k: dims[v] if isinstance(v, str) and v in dims else v for k, v in dims.items()}


class Probe(NamedTuple):
    args: tuple
    right: Outcome
    answer: Outcome
    one: bool  # a single-example probe (m = 1)


def _probes(ex: Exercise, fn, seed: int):
    batch = [dict(d) for d in ex.probes]
    ones = []
    for d in batch:
        one = {**d, "m": 1} if "m" in d else None
        if one is not None and one not in ones:
            ones.append(one)
    for dims, is_one in [(d, False) for d in batch] + [(d, True) for d in ones]:
        args = ex.make_inputs(_resolve(dims), np.random.default_rng(seed))
        right = _run(ex, ex.correct, args)
        if right.error is not None or right.todo:
            raise RuntimeError(f"the reference answer failed on {dims}: {right.error!r}")
        yield Probe(args, right, _run(ex, fn, args), is_one)


def _consistent_mistakes(ex: Exercise, probes: list) -> list:
    """The mistakes that behave exactly like the answer on every probe.

    Crashing alike is not evidence enough: on some probe the mistake must return a
    wrong value that the answer shares (or, for a mistake known by its error,
    raise exactly that error where the right answer does not).
    """
    found = []
    for mistake in ex.mistakes:
        evidence = False
        for p in probes:
            wrong = _run(ex, mistake.answer, p.args)
            if wrong.todo or not _agree(ex, p.answer, wrong, mistake.exact_error):
                break
            evidence |= (wrong.error is None or mistake.exact_error) and not _agree(ex, p.right, wrong)
        else:
            if evidence:
                found.append(mistake)
    return found


def _part(outcome: Outcome, i: int, n: int):
    v = outcome.value
    if outcome.error is not None or not isinstance(v, (tuple, list)) or len(v) != n:
        return None
    return Outcome(v[i])


def _mistakes_by_part(ex: Exercise, probes: list):
    """For an answer of several parts that no one mistake explains: the one mistake behind each wrong part.

    Only mistakes that change that part alone count, and each wrong part must have
    exactly one; otherwise None.  Returns [(part name, Mistake), ...].
    """
    n = len(ex.parts)
    if n < 2:
        return None
    runs = {m: [_run(ex, m.answer, p.args) for p in probes] for m in ex.mistakes}
    found = []
    for i, name in enumerate(ex.parts):
        answer = [_part(p.answer, i, n) for p in probes]
        right = [_part(p.right, i, n) for p in probes]
        if any(a is None for a in answer):
            return None
        if all(_agree(ex, a, r) for a, r in zip(answer, right)):
            continue
        fits = {}
        for mistake, outs in runs.items():
            parts = [[_part(o, j, n) for o in outs] for j in range(n)]
            if any(x is None for x in parts[i]):
                continue
            alone = all(_agree(ex, x, _part(p.right, j, n)) for j in range(n) if j != i
                        for x, p in zip(parts[j], probes))
            if alone and all(_agree(ex, a, x) for a, x in zip(answer, parts[i])):
                fits[mistake.code] = mistake
        if len(fits) != 1:
            return None
        found.append((name, *fits.values()))
    return found or None


def diagnose(ex: Exercise, fn, single: bool = False, seed: int = 0) -> Result:
    """Run fn on the exercise's probes and classify the answer; never raises (except KeyboardInterrupt).

    single=True checks the single-example form (m = 1): an answer right there but
    not for a batch passes, with a hint about what changes with m examples.
    """
    if hasattr(ex, "judge"):  # a prediction: fn is the student's answer, a value
        return ex.judge(fn)
    try:
        return _diagnose(ex, fn, single, seed)
    except KeyboardInterrupt:
        raise
    except BaseException as e:  # an answer so odd that comparing it fails: still no traceback
        hint = (f"Could not check this answer ({type(e).__name__}: {_text(e)}). "
                f"Return what the docstring asks for, of the shapes it gives.")
        return Result("error", "uncheckable", f"{ex.name}: {hint}", hint)


def _wrong(ex, code, hint, status="wrong"):
    return Result(status, code, f"{ex.name}: not right yet. {hint}" if status == "wrong" else f"{ex.name}: {hint}", hint)


def _diagnose(ex: Exercise, fn, single: bool, seed: int) -> Result:
    name = ex.name
    if not callable(fn):
        hint = "Pass the function itself, e.g. check(f), not f(...)."
        return Result("error", "not_callable", f"{name}: {hint}", hint)
    probes = list(_probes(ex, fn, seed))
    if any(p.answer.todo for p in probes):
        hint = "Not implemented yet (the function still raises NotImplementedError)."
        return Result("not implemented", "not_implemented", f"{name}: {hint}", hint)
    has_one = any(p.one for p in probes)
    target = [p for p in probes if p.one == (single and has_one)]
    other = [p for p in probes if p.one != (single and has_one)]
    first = target[0]
    if first.answer.error is None and first.answer.value is None:
        return _wrong(ex, "returned_none", "Your function returned None. Did you forget `return`?")

    def right_on(ps):
        return all(_agree(ex, p.answer, p.right) for p in ps)

    mistakes = _consistent_mistakes(ex, probes)
    codes = {m.code for m in mistakes}
    mistake = mistakes[0] if len(codes) == 1 else None  # two different mistakes fit: name neither
    m_batch = next((_resolve(p_dims)["m"] for p_dims in ex.probes if "m" in p_dims), None)

    if right_on(target):
        if right_on(other):
            if ex.finish is not None:
                passed, line = ex.finish(fn)
                if not passed:
                    return _wrong(ex, "finish", line)
            else:
                line = ex.describe(first.args) if ex.describe else ""
            hint = f"Correct! {line}".rstrip()
            return Result("pass", "pass", f"{name}: {hint}", hint)
        wrong_p = next(p for p in other if not _agree(ex, p.answer, p.right))
        if single:
            why = mistake.hint if mistake else _why(ex, wrong_p)
            hint = (f"Correct for one example (m = 1). But it would not be right for a batch of "
                    f"m = {plural(m_batch, 'example')} (lesson 3): {why}")
            return Result("pass", mistake.code if mistake else "single_only", f"{name}: {hint}", hint)
        return _wrong(ex, "single_only_" + (mistake.code if mistake else "unknown"),
                      f"It is right for a batch of m = {plural(m_batch, 'example')} but not for a single example "
                      f"(m = 1): {_why(ex, wrong_p)}")
    if mistake is not None:
        if ex.batch_note and has_one and not single and right_on([p for p in probes if p.one]):
            return _wrong(ex, mistake.code, f"It is right for one example (m = 1), but not for a batch of "
                                            f"m = {m_batch}: {mistake.hint}")
        return _wrong(ex, mistake.code, mistake.hint)
    by_part = _mistakes_by_part(ex, probes)
    if by_part is not None:
        return _wrong(ex, "+".join(m.code for _, m in by_part), " ".join(f"In {name}: {m.hint}" for name, m in by_part))
    wrong_p = next(p for p in target if not _agree(ex, p.answer, p.right))
    if ex.batch_note and has_one and not single and right_on([p for p in probes if p.one]):
        return _wrong(ex, "single_only", f"It is right for one example (m = 1), but not for a batch of "
                                         f"m = {m_batch}: {_why(ex, wrong_p)}")
    if wrong_p.answer.error is not None:
        return _wrong(ex, "error", _crash_hint(ex, wrong_p.answer.error, wrong_p.args), status="error")
    return _wrong(ex, "unknown", _why(ex, wrong_p))


IN_PLACE = ("Your function changed its argument `{name}` in place: `x -= ...`, `x[...] = ...` and "
            "`{name}[key] = ...` write into the array or dict the caller still holds. Leave the arguments as they "
            "were and return new ones: `x = x - ...` makes a new array.")


def _why(ex: Exercise, p: Probe) -> str:
    if p.answer.error is not None:
        return _crash_hint(ex, p.answer.error, p.args)
    if p.answer.value is None:
        return "Your function returned None. Did you forget `return`?"
    if p.answer.changed and not p.right.changed:
        return IN_PLACE.format(name=p.answer.changed)
    if ex.explain is not None:
        text = ex.explain(p.answer.value, p.right.value)
        if text:
            return text
    return _describe_difference(ex, p.answer.value, p.right.value)


# ---- the inputs: distinct sizes, m > 1, no zeros or ones ----

def _normal(rng, shape):
    """Standard normal entries kept away from 0 (so relu kinks and forgotten terms show)."""
    x = rng.standard_normal(shape)
    return np.where(np.abs(x) < 0.2, np.sign(x + 1e-12) * 0.2 + x, x)


def _normals(*shapes):
    """make_inputs for arguments that are arrays of _normal entries, e.g. _normals(("n", "m"), ("p", "m")):
    each size is the name of one of the probe's sizes, or a number."""
    def make_inputs(d, rng):
        return tuple(_normal(rng, tuple(d[k] if isinstance(k, str) else k for k in shape)) for shape in shapes)
    return make_inputs


def _random_params(sizes, rng) -> dict:
    """params['W1'], params['b1'], ... for layers l = 1..L of sizes [n[0], ..., n[L]], drawn with _normal."""
    params = {}
    for l in range(1, len(sizes)):
        params[f"W{l}"] = _normal(rng, (sizes[l], sizes[l - 1]))
        params[f"b{l}"] = _normal(rng, (sizes[l], 1))
    return params


def _logits_and_labels(n: int, m: int, rng):
    """Logits in [-3, 3] and 0/1 labels of shape (n, m), in which both labels appear (also when m = 1)."""
    Z = rng.uniform(-3, 3, (n, m))
    Y = (rng.uniform(size=(n, m)) < 0.5).astype(np.float64)
    Y[0, 0], Y[-1, -1] = 1.0, 0.0
    return Z, Y


# ---- running a student's function outside a check (the show_* cells) ----

_TODO = "not implemented"


def _attempt(run, what: str):
    """run(), which calls the student's code: (its value, ""), or (None, why not): _TODO for a stub that
    still raises NotImplementedError, else the line that says what it raised."""
    try:
        return run(), ""
    except NotImplementedError:
        return None, _TODO
    except KeyboardInterrupt:
        raise
    except BaseException as e:
        return None, f"✘ running your {what} raised {type(e).__name__}: {_text(e)}"
