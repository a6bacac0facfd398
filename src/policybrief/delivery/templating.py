"""Jinja2, sandboxed: subjects from profiles and the email body templates. The only module that imports jinja2.

Templates see plain data (strings, lists, dicts), never Python objects, and an undefined name is an error rather
than an empty string, so a typo in a subject does not send "Brief: " to a principal.
"""

from __future__ import annotations

import functools
from typing import TYPE_CHECKING, Any

from policybrief.errors import DeliveryError

if TYPE_CHECKING:
    from jinja2.sandbox import ImmutableSandboxedEnvironment


@functools.lru_cache(maxsize=2)
def _env(autoescape: bool) -> ImmutableSandboxedEnvironment:
    """One environment per escaping mode, shared by every render."""
    from jinja2 import StrictUndefined
    from jinja2.sandbox import ImmutableSandboxedEnvironment

    return ImmutableSandboxedEnvironment(
        undefined=StrictUndefined, autoescape=autoescape, keep_trailing_newline=True, trim_blocks=True, lstrip_blocks=True
    )


def render(source: str, context: dict[str, Any], *, where: str, html: bool = False) -> str:
    """Render one template; any template mistake becomes a DeliveryError naming `where` (file or profile key)."""
    import jinja2
    from jinja2.exceptions import SecurityError

    try:
        return str(_env(html).from_string(source).render(**context))
    except jinja2.TemplateSyntaxError as exc:
        raise DeliveryError(f"template syntax error: {exc.message}", f"{where}:{exc.lineno}") from None
    except jinja2.UndefinedError as exc:
        raise DeliveryError(f"template error: {exc.message}", where) from None
    except SecurityError as exc:
        raise DeliveryError(f"template not allowed by the sandbox: {exc}", where) from None
    except (jinja2.TemplateError, TypeError, ValueError, ArithmeticError, LookupError) as exc:
        raise DeliveryError(f"template error: {exc}", where) from None
