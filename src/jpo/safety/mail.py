"""A sandbox for templates that officers edit (result e-mails): a separate template Engine whose only
tags and filters are an allow-list, with a size limit.

Django's full template language lets an editor print every variable and setting in reach
(`{% debug %}`), produce a megabyte per word (`{% lorem 999999 w %}`), read other templates
(`{% include %}`, `{% extends %}`) or load tag libraries (`{% load %}`). None of that has a place in
an e-mail: placeholders, `if`, `firstof`, `with`, comments and a few text filters are enough. There is
no `for` either: the placeholders are short texts, and nested loops over them would multiply.
"""

from __future__ import annotations

import re
from typing import ClassVar

from django.template import (
    Engine,
    Library,
    Template,
    TemplateSyntaxError,
    defaultfilters,
    defaulttags,
)

MAX_TEMPLATE_CHARS = 20_000
_BLOCK_TAG = re.compile(r"Invalid block tag on line \d+: '([^']+)'")
_FILTER = re.compile(r"Invalid filter: '([^']+)'")

ALLOWED_TAGS = ("if", "firstof", "with", "comment")
ALLOWED_FILTERS = (
    "default",
    "default_if_none",
    "upper",
    "lower",
    "title",
    "capfirst",
    "cut",
    "truncatechars",
    "truncatewords",
    "yesno",
)

# The sandbox's only library (the engine's sole builtin: see SandboxedEngine).
register = Library()
for _name in ALLOWED_TAGS:
    register.tags[_name] = defaulttags.register.tags[_name]
for _name in ALLOWED_FILTERS:
    register.filters[_name] = defaultfilters.register.filters[_name]


class SandboxedEngine(Engine):
    """An Engine without Django's default tag libraries; only this module's allow-list is built in."""

    default_builtins: ClassVar[list[str]] = []


class TemplateRefused(ValueError):
    """The template cannot be used; `str(error)` says why, in the active language."""


def sandboxed_engine(*, string_if_invalid: str = "") -> Engine:
    return SandboxedEngine(
        dirs=[],
        app_dirs=False,
        libraries={},
        builtins=["jpo.safety.mail"],
        autoescape=False,
        string_if_invalid=string_if_invalid,
        loaders=[],
    )


def compile_template(text: str, *, engine: Engine) -> Template:
    """The template, or TemplateRefused naming what is wrong (too long, a tag not allowed, bad syntax)."""
    from django.utils.translation import gettext as _

    if len(text) > MAX_TEMPLATE_CHARS:
        raise TemplateRefused(
            _("The template is longer than %(limit)s characters.") % {"limit": f"{MAX_TEMPLATE_CHARS:,}"}
        )
    try:
        return engine.from_string(text)
    except TemplateSyntaxError as error:
        message = str(error)
        refused = _BLOCK_TAG.search(message) or _FILTER.search(message)
        if refused:
            raise TemplateRefused(
                _(
                    "“%(name)s” is not allowed in e-mail templates, which may use placeholders, the tags "
                    "%(tags)s and the filters %(filters)s."
                )
                % {
                    "name": refused.group(1),
                    "tags": ", ".join(ALLOWED_TAGS),
                    "filters": ", ".join(ALLOWED_FILTERS),
                }
            ) from None
        raise TemplateRefused(_("Template syntax error: %(error)s") % {"error": message}) from None
