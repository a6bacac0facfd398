"""Jinja2, sandboxed: subjects from profiles and the email body templates. The only module that imports jinja2.

Templates see plain data (strings, lists, dicts), never Python objects, and an undefined name is an error rather
than an empty string, so a typo in a subject does not send "Brief: " to a principal.

Jinja's sandbox stops a template from reaching Python internals but not from building huge values
(`{{ "a" * 300000000 }}`) or looping for ever; this one also bounds every value a template builds, the rendered
output and (where a timer is available) the rendering time, so a hostile template fails at once with one line.
"""

from __future__ import annotations

import functools
import re
import signal
import string
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING, Any

from policybrief.errors import DeliveryError

if TYPE_CHECKING:
    from jinja2.sandbox import ImmutableSandboxedEnvironment

MAX_VALUE = 1_000_000
"""Most characters (or items) in any string or list a template builds."""
MAX_OUTPUT = 1_000_000
"""Most characters a template may render (an email body is a few kilobytes)."""
MAX_RANGE = 10_000
"""Longest `range()` a template may loop over."""
MAX_INT_BITS = 4096
"""Largest integer `**` may build (in bits)."""
RENDER_SECONDS = 3.0
"""Longest one template may take to render (enforced on the main thread, where a timer signal is available)."""

_PERCENT_SPEC = re.compile(r"%(?:\([^)]*\))?[-#0 +]*(\*|\d+)?(?:\.(\*|\d+))?")


class TemplateLimit(Exception):
    """A template tried to build something larger (or take longer) than the limits allow."""


def _size(value: Any) -> int | None:
    return len(value) if isinstance(value, str | bytes | list | tuple | dict | set | frozenset) else None


def _check_size(value: Any, what: str) -> Any:
    n = _size(value)
    if n is not None and n > MAX_VALUE:
        raise TemplateLimit(f"{what} built a value of {n:,} characters or items (at most {MAX_VALUE:,})")
    return value


def _check_width(width: Any, what: str) -> None:
    if isinstance(width, int) and not isinstance(width, bool) and width > MAX_VALUE:
        raise TemplateLimit(f"{what} asks for a width of {width:,} (at most {MAX_VALUE:,})")


def _check_percent_format(fmt: str, what: str) -> None:
    """`"%300000000s" % x`: the widths and precisions in a printf-style format."""
    for m in _PERCENT_SPEC.finditer(fmt):
        for part in m.groups():
            if part == "*":
                raise TemplateLimit(f"{what}: '*' widths are not allowed in a template")
            if part and len(part) > 7 or part and int(part) > MAX_VALUE:
                raise TemplateLimit(f"{what} asks for a width of {part} (at most {MAX_VALUE:,})")


def _check_format_string(fmt: str, what: str) -> None:
    """`"{:>300000000}".format(x)`: the widths and precisions in a str.format format (no nested fields in specs)."""
    try:
        parsed = list(string.Formatter().parse(fmt))
    except ValueError:
        return  # str.format will raise the same error
    for _text, _name, spec, _conv in parsed:
        if not spec:
            continue
        if "{" in spec:
            raise TemplateLimit(f"{what}: nested fields in a format spec are not allowed in a template")
        for digits in re.findall(r"\d+", spec):
            if len(digits) > 7 or int(digits) > MAX_VALUE:
                raise TemplateLimit(f"{what} asks for a width of {digits} (at most {MAX_VALUE:,})")


def _sequence_times(left: Any, right: Any) -> None:
    for seq, n in ((left, right), (right, left)):
        size = _size(seq)
        if size is not None and isinstance(n, int) and not isinstance(n, bool) and size * n > MAX_VALUE:
            raise TemplateLimit(f"'*' would build a value of {size * n:,} characters or items (at most {MAX_VALUE:,})")


def _binop_check(operator: str, left: Any, right: Any) -> None:
    if operator == "*":
        _sequence_times(left, right)
    elif operator == "+":
        a, b = _size(left), _size(right)
        if a is not None and b is not None and a + b > MAX_VALUE:
            raise TemplateLimit(f"'+' would build a value of {a + b:,} characters or items (at most {MAX_VALUE:,})")
    elif operator == "**":
        if isinstance(left, int) and isinstance(right, int) and abs(left) > 1 and right > 0:
            if abs(left).bit_length() * right > MAX_INT_BITS:
                raise TemplateLimit(f"'**' would build a number of more than {MAX_INT_BITS:,} bits")
    elif operator == "%" and isinstance(left, str):
        _check_percent_format(left, "'%'")


def _method_check(obj: Any, args: tuple[Any, ...]) -> None:
    """Before a call: the string methods that can grow their input by a large factor in one step."""
    owner = getattr(obj, "__self__", None)
    name = getattr(obj, "__name__", "")
    if not isinstance(owner, str):
        return
    if name in ("ljust", "rjust", "center", "zfill") and args:
        _check_width(args[0], f"str.{name}()")
    elif name == "expandtabs":
        tab = args[0] if args else 8
        if isinstance(tab, int) and len(owner) * max(tab, 1) > MAX_VALUE:
            raise TemplateLimit(f"str.expandtabs() could build more than {MAX_VALUE:,} characters")
    elif name == "replace" and len(args) >= 2 and isinstance(args[0], str) and isinstance(args[1], str):
        hits = owner.count(args[0]) if args[0] else len(owner) + 1
        if len(owner) + hits * len(args[1]) > MAX_VALUE:
            raise TemplateLimit(f"str.replace() would build more than {MAX_VALUE:,} characters")


def _filter_check(name: str, args: tuple[Any, ...]) -> None:
    """Before a filter: those that take a width or a format."""
    if not args:
        return
    value, rest = args[0], args[1:]
    if name == "center" and rest:
        _check_width(rest[0], "the center filter")
    elif name == "indent":
        width = rest[0] if rest else 4
        if isinstance(width, int) and not isinstance(width, bool):
            lines = str(value).count("\n") + 1 if isinstance(value, str) else 1
            if width * lines > MAX_VALUE:
                raise TemplateLimit(f"the indent filter would build more than {MAX_VALUE:,} characters")
        elif isinstance(width, str) and len(width) * (str(value).count("\n") + 1) > MAX_VALUE:
            raise TemplateLimit(f"the indent filter would build more than {MAX_VALUE:,} characters")
    elif name == "format" and isinstance(value, str):
        _check_percent_format(value, "the format filter")
    elif name == "replace" and len(rest) >= 2:
        _method_check(str(value).replace, tuple(rest[:2]))


def _bounded_filter(name: str, func: Callable[..., Any], internal: tuple[type, ...]) -> Callable[..., Any]:
    """The filter, with its arguments checked before and its result after (functools.wraps keeps Jinja's marks)."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        # Jinja passes the environment or context first to some filters; the value is the first argument after it.
        _filter_check(name, args[1:] if args and isinstance(args[0], internal) else args)
        return _check_size(func(*args, **kwargs), f"the {name} filter")

    return wrapper


def _bounded_range(*args: int) -> range:
    rng = range(*args)
    if len(rng) > MAX_RANGE:
        raise TemplateLimit(f"range() of {len(rng):,} numbers (at most {MAX_RANGE:,})")
    return rng


@functools.lru_cache(maxsize=2)
def _env(autoescape: bool) -> ImmutableSandboxedEnvironment:
    """One environment per escaping mode, shared by every render."""
    from jinja2 import Environment, StrictUndefined
    from jinja2.nodes import EvalContext
    from jinja2.runtime import Context
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    class BoundedSandbox(ImmutableSandboxedEnvironment):
        intercepted_binops = frozenset({"*", "+", "**", "%"})

        def call_binop(self, context: Context, operator: str, left: Any, right: Any) -> Any:
            _binop_check(operator, left, right)
            return _check_size(super().call_binop(context, operator, left, right), f"'{operator}'")

        def call(__self, __context: Context, __obj: Any, *args: Any, **kwargs: Any) -> Any:  # noqa: N805 - jinja's signature
            _method_check(__obj, args)
            name = getattr(__obj, "__name__", "a call")
            return _check_size(super().call(__context, __obj, *args, **kwargs), f"{name}()")

        def wrap_str_format(self, value: Any) -> Callable[..., str] | None:
            wrapped = super().wrap_str_format(value)
            if wrapped is None:
                return None
            _check_format_string(value.__self__, f"str.{value.__name__}()")
            return wrapped

    env = BoundedSandbox(
        undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )
    env.globals["range"] = _bounded_range
    env.filters = {name: _bounded_filter(name, f, (Environment, Context, EvalContext)) for name, f in env.filters.items()}
    return env


@contextmanager
def _deadline(seconds: float) -> Iterator[None]:
    """Raise TemplateLimit in the rendering code after `seconds` (main thread with SIGALRM only; else no limit)."""
    if not hasattr(signal, "setitimer") or threading.current_thread() is not threading.main_thread():
        yield
        return

    def expired(signum: int, frame: FrameType | None) -> None:
        raise TemplateLimit(f"rendering took longer than {seconds:g} seconds")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def render(source: str, context: dict[str, Any], *, where: str, html: bool = False) -> str:
    """Render one template; any template mistake becomes a DeliveryError naming `where` (file or profile key)."""
    import jinja2
    from jinja2.exceptions import SecurityError

    try:
        template = _env(html).from_string(source)
        with _deadline(RENDER_SECONDS):
            parts: list[str] = []
            total = 0
            for chunk in template.generate(**context):
                total += len(chunk)
                if total > MAX_OUTPUT:
                    raise TemplateLimit(f"the output is longer than {MAX_OUTPUT:,} characters")
                parts.append(chunk)
        return "".join(parts)
    except TemplateLimit as exc:
        raise DeliveryError(f"template stopped by the sandbox: {exc}", where) from None
    except jinja2.TemplateSyntaxError as exc:
        raise DeliveryError(f"template syntax error: {exc.message}", f"{where}:{exc.lineno}") from None
    except jinja2.UndefinedError as exc:
        raise DeliveryError(f"template error: {exc.message}", where) from None
    except SecurityError as exc:
        raise DeliveryError(f"template not allowed by the sandbox: {exc}", where) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise DeliveryError(f"template error: {exc}", where) from None
    except (MemoryError, RecursionError) as exc:
        raise DeliveryError(f"template stopped: {type(exc).__name__}", where) from None
