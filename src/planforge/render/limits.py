"""Bounds on rendering one document (issue 20): a firm template runs in the sandbox, which keeps it
away from the machine, but not from spending it: a nested loop, ``'x' * 10**9`` or ``lipsum(10**6)``
would hang a run or fill its memory. Each render gets a deadline (a timer in the main thread, where
every render of a run happens, forked workers included) and an output size; the sandbox's public
hooks refuse an operation whose result alone would pass that size, before it is computed."""

from __future__ import annotations

import functools
import re
import signal
import threading
import time
from collections.abc import Callable, Iterator
from typing import Any

from planforge.core.errors import RenderLimit, UsageError

DEFAULT_TIMEOUT = 10.0  # seconds per document: a shipped plan takes under a millisecond
DEFAULT_MAX_SIZE = 20_000_000  # characters per document: a plan is ~20 KB, 1,000 times that is a runaway
TICK = 0.01  # seconds between the checks of a main-thread render (bounded_join)
MAX_TIMEOUT = 86_400.0  # a day: an alarm further off than that is no bound (and the OS timer has a range)
#: Widths in a format string (``'%999999999s'``, ``'{:>999999999}'``) that would build a huge string.
_WIDE_FORMAT = re.compile(r"[%{][^%{}\s]*\d{7,}|%[^a-zA-Z%\s]*\*")


def check_bounds(timeout: object, max_size: object, names: tuple[str, str] = ("timeout", "max_size")) -> None:
    """Refuse bounds that bound nothing, as a ``UsageError`` naming the parameter (``names``): the time
    bound a number of seconds over 0 and at most ``MAX_TIMEOUT``, the size bound a whole number over 0."""
    if isinstance(timeout, bool) or not isinstance(timeout, (int, float)) or not 0 < timeout <= MAX_TIMEOUT:  # NaN too
        raise UsageError(
            f"{names[0]}= must be a number of seconds over 0 and at most {MAX_TIMEOUT:,.0f}, not {timeout!r}",
            parameter=names[0],
        )
    if not isinstance(max_size, int) or isinstance(max_size, bool) or max_size < 1:
        raise UsageError(
            f"{names[1]}= must be a whole number of characters over 0, not {max_size!r}", parameter=names[1]
        )


def too_big(size: int, max_size: int) -> None:
    if size > max_size:
        raise RenderLimit(f"would produce {size:,} characters, over the render limit of {max_size:,} per document")


def check_binop(operator: str, left: Any, right: Any, max_size: int) -> None:
    """Refuse ``*``, ``+``, ``**`` and ``%`` whose result would pass ``max_size`` (checked before computing)."""
    sized = (str, bytes, list, tuple)
    if operator == "*":
        for seq, n in ((left, right), (right, left)):
            if isinstance(seq, sized) and isinstance(n, int):
                too_big(len(seq) * n, max_size)
    elif operator == "+" and isinstance(left, sized) and isinstance(right, sized):
        too_big(len(left) + len(right), max_size)
    elif operator == "**" and isinstance(left, int) and isinstance(right, int) and right > 0 and abs(left) > 1:
        too_big(right * abs(left).bit_length() // 8, max_size)
    elif operator == "%" and isinstance(left, str) and _WIDE_FORMAT.search(left):
        raise RenderLimit(f"a format width in {left[:40]!r} over the render limit")


def check_arguments(args: tuple[Any, ...], kwargs: dict[str, Any], max_size: int, counts: bool = True) -> None:
    """Refuse a call given a width or count (an int; ``counts``) that could build more than the output
    allowed (``ljust(10**9)``, ``lipsum(10**6)``, ``center(10**9)``) or a format string with a huge width.
    A lipsum paragraph is up to ~1,000 characters, hence the factor."""
    for value in (*args, *kwargs.values()):
        if counts and isinstance(value, int) and not isinstance(value, bool) and value > max_size // 1000:
            too_big(value * 1000, max_size)
        if isinstance(value, str) and _WIDE_FORMAT.search(value[:10_000]):
            raise RenderLimit(f"a format width in {value[:40]!r} over the render limit")


def bounded(function: Callable[..., Any], max_size: int, skip: int = 0, counts: bool = True) -> Callable[..., Any]:
    """``function`` (a Jinja filter or global) refusing widths and counts over the size bound in its
    arguments after the first ``skip`` (a filter's value is data, not a width); Jinja's
    ``pass_context`` marks are kept (``functools.wraps`` copies them)."""

    @functools.wraps(function)
    def call(*args: Any, **kwargs: Any) -> Any:
        check_arguments(args[skip:], kwargs, max_size, counts)
        return function(*args, **kwargs)

    return call


def is_text_method(obj: Any) -> bool:
    """A bound method of a string or sequence (``'x'.ljust``, ``'{}'.format``): its arguments are
    widths and counts, unlike a macro's or a filter's, which may be amounts."""
    return isinstance(getattr(obj, "__self__", None), (str, bytes, list, tuple))


def collect(chunks: Iterator[str], max_size: int, deadline: float) -> str:
    """The chunks of a render joined, stopping as soon as they pass ``max_size`` or ``deadline``
    (``time.monotonic``): the bound off the main thread, where no timer can be set."""
    out: list[str] = []
    append = out.append
    size = 0
    for chunk in chunks:
        size += len(chunk)
        if size > max_size:
            too_big(size, max_size)
        if time.monotonic() > deadline:
            raise RenderLimit("took longer than the render time limit")
        append(chunk)
    return "".join(out)


def bounded_join(chunks: Iterator[str], max_size: int, seconds: float) -> str:
    """The chunks of a render joined within ``seconds`` and ``max_size`` characters, else ``RenderLimit``.

    In the main thread (where every render of a run happens, forked workers included) the chunks are
    gathered at C speed (``list.extend``) while a timer (``signal.setitimer``) ticks every ``TICK``
    seconds: each tick checks the deadline, which stops even a loop that calls nothing, and counts
    the characters gathered since the previous tick, so a runaway stops within a tick of passing a
    bound (counting each chunk as it came cost a third of the render time). The previous handler and
    timer are restored. Off the main thread (or without ``setitimer``) ``collect`` checks between chunks."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        return collect(chunks, max_size, time.monotonic() + seconds)
    out: list[str] = []
    counted = size = 0  # chunks counted at the last tick, and their characters
    over = False  # the size bound was passed and said so at a tick
    deadline = time.monotonic() + seconds

    def on_tick(signum: int, frame: Any) -> None:
        nonlocal counted, size, over
        if time.monotonic() >= deadline:
            raise RenderLimit(f"took longer than the render time limit of {seconds:g} s")
        if over:
            # said once: a tick that lands in a finalizer (a generator being closed) has its exception
            # reported as unraisable instead of stopping the render, and raising again at every tick
            # could land in the interpreter's unraisable hook itself; the check after the render (or the
            # deadline, for a render that never ends) stops it
            return
        gathered = len(out)
        size += sum(map(len, out[counted:gathered]))
        counted = gathered
        if size > max_size:
            over = True
            too_big(size, max_size)

    previous = signal.signal(signal.SIGALRM, on_tick)
    earlier = signal.setitimer(signal.ITIMER_REAL, min(TICK, seconds), TICK)
    try:
        try:
            out.extend(chunks)
        finally:
            signal.setitimer(signal.ITIMER_REAL, 0)
    finally:  # stopped again: a tick may have raised in the inner finally, before the timer stopped
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)
        if earlier[0] > 0:
            signal.setitimer(signal.ITIMER_REAL, *earlier)
    too_big(sum(map(len, out)), max_size)  # what came after the last tick
    return "".join(out)
