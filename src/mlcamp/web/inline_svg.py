"""Adapt an SVG that matplotlib saved so it can sit inside a page's HTML.

Both the progress charts (:mod:`mlcamp.web.charts`) and the scaling plot of a grading report
(:mod:`mlcamp.web.lab_plots`) go through :func:`inline_svg`:

- the XML prologue, DOCTYPE and ``<metadata>`` go (the SVG is inlined, not a file);
- the root loses its fixed ``width`` and ``height`` (its ``viewBox`` stays, so CSS scales it)
  and gets the given attributes, a ``<title>`` and optionally a ``<desc>``;
- every ``id`` (and every reference to one) gets a prefix, so plots on one page never clash;
- placeholder colours become the theme's CSS variables, so a plot follows light and dark themes;
- matplotlib's own stylesheet, which selects ``*``, is scoped to the SVG's class.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from html import escape

__all__ = ["inline_svg"]

_METADATA = re.compile(r"\s*<metadata>.*?</metadata>", re.DOTALL)
_SIZE = re.compile(r'\s(width|height)="[^"]*"')
_ID = re.compile(r'\bid="([^"]+)"')
_ID_REFERENCE = re.compile(r'(url\(#|xlink:href="#|href="#)([^)"]+)')


def inline_svg(
    text: str,
    *,
    css_class: str,
    id_prefix: str,
    theme: Mapping[str, str],
    title: str,
    label: str | None = None,
    description: str | None = None,
) -> str:
    """The SVG ``text`` ready to inline (see the module docstring).

    ``label`` is the ``aria-label`` (the title by default); with ``description``, a ``<desc>``
    is added and referenced by ``aria-describedby``. Ids of the title and description are
    ``{id_prefix}title`` and ``{id_prefix}desc``.
    """
    text = text[text.index("<svg") :]
    text = _METADATA.sub("", text, count=1)
    text = _ID.sub(lambda match: f'id="{id_prefix}{match.group(1)}"', text)
    text = _ID_REFERENCE.sub(lambda match: f"{match.group(1)}{id_prefix}{match.group(2)}", text)
    for placeholder, variable in theme.items():
        text = text.replace(placeholder, variable)
    text = text.replace('<style type="text/css">*{', f'<style type="text/css">.{css_class} *{{')
    opening_end = text.index(">")
    opening = _SIZE.sub("", text[:opening_end])
    attributes = (
        f' class="{css_class}" role="img" aria-label="{escape(label or title)}" focusable="false"'
    )
    if description is not None:
        attributes += f' aria-describedby="{id_prefix}desc"'
    inserted = f'\n <title id="{id_prefix}title">{escape(title)}</title>'
    if description is not None:
        inserted += f'\n <desc id="{id_prefix}desc">{escape(description)}</desc>'
    return f"{opening}{attributes}>{inserted}{text[opening_end + 1 :]}".strip()
