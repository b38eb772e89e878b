"""Markdown with TeX math, rendered to safe HTML for the pages (no CDN, no MathJax).

The content (topic summaries, lab READMEs, objectives) is CommonMark plus GitHub tables, with
math between dollars: ``$...$`` inline and ``$$...$$`` displayed, on its own lines or inside a
paragraph. Math is cut out of the text before Markdown sees it, so ``_`` and ``*`` in a formula
never turn into emphasis, and each formula becomes MathML with latex2mathml, which every current
browser draws natively.

Safety: raw HTML in the Markdown is shown as text, never passed through, and links keep
markdown-it's URL check (no ``javascript:``). latex2mathml's own output is not trusted either: it
copies ``\\text{...}`` verbatim and turns ``\\href`` into an attribute, so the MathML is rebuilt
from its element tree, keeping only known MathML elements and harmless attributes, with every
text escaped. A formula latex2mathml cannot convert (or converts with an unknown command left
over) is shown as its TeX source in ``<code class="math-fallback">``; rendering never raises.
"""

from __future__ import annotations

import html
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from typing import Any
from xml.etree.ElementTree import Element, SubElement, tostring

from markdown_it import MarkdownIt
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from markdown_it.token import Token
from markupsafe import Markup

__all__ = [
    "FALLBACK_CLASS",
    "Rendered",
    "math_to_mathml",
    "render_inline",
    "render_markdown",
]

FALLBACK_CLASS = "math-fallback"
"""The class of the ``<code>`` that shows a formula's TeX when it could not be converted."""

MATHML_ELEMENTS = frozenset(
    {
        "math",
        "menclose",
        "merror",
        "mfrac",
        "mi",
        "mmultiscripts",
        "mn",
        "mo",
        "mover",
        "mpadded",
        "mphantom",
        "mprescripts",
        "mroot",
        "mrow",
        "ms",
        "mspace",
        "msqrt",
        "mstyle",
        "msub",
        "msubsup",
        "msup",
        "mtable",
        "mtd",
        "mtext",
        "mtr",
        "munder",
        "munderover",
        "none",
    }
)
"""Presentation MathML elements a converted formula may contain; any other fails the formula."""

MATHML_ATTRIBUTES = frozenset(
    {
        "accent",
        "accentunder",
        "align",
        "columnalign",
        "columnlines",
        "columnspacing",
        "depth",
        "display",
        "displaystyle",
        "fence",
        "form",
        "frame",
        "framespacing",
        "height",
        "largeop",
        "linethickness",
        "lspace",
        "mathbackground",
        "mathcolor",
        "mathsize",
        "mathvariant",
        "maxsize",
        "minsize",
        "movablelimits",
        "notation",
        "rowalign",
        "rowlines",
        "rowspacing",
        "rspace",
        "scriptlevel",
        "separator",
        "stretchy",
        "symmetric",
        "voffset",
        "width",
    }
)
"""Attributes kept on MathML elements (no URLs, no styles, no event handlers); others dropped."""

MATHML_NAMESPACE = "http://www.w3.org/1998/Math/MathML"
_LEFTOVER_COMMAND = re.compile(r"\\[A-Za-z]+")

ARITY: dict[str, int] = {
    "mfrac": 2,
    "mroot": 2,
    "msub": 2,
    "msup": 2,
    "msubsup": 3,
    "munder": 2,
    "mover": 2,
    "munderover": 3,
}
"""Elements with a fixed number of children; latex2mathml emits fewer for broken TeX
(``\\frac{1``), which is then shown as source instead."""

OPERATOR_NAMES = frozenset({"arg"})
"""Standard LaTeX operator names latex2mathml leaves as text (``\\arg``); drawn upright here."""


class _MathError(ValueError):
    """A formula that cannot be shown as MathML."""


def math_to_mathml(tex: str, *, display: bool = False) -> str | None:
    """The formula ``tex`` as a safe ``<math>`` element, or None when it cannot be converted.

    None covers latex2mathml errors, elements outside :data:`MATHML_ELEMENTS`, commands that
    latex2mathml does not know (it would print them as text, as in ``\\foo``), and broken TeX
    it lets through (a fraction without denominator, an unbalanced brace).
    """
    try:
        return _math_to_mathml(tex, display)
    except Exception:  # latex2mathml raises many kinds of errors on bad input
        return None


@lru_cache(maxsize=4096)
def _math_to_mathml(tex: str, display: bool) -> str:
    from latex2mathml.converter import convert_to_element

    converted = convert_to_element(tex, display="block" if display else "inline")
    clean = _rebuild(converted, None)
    clean.set("xmlns", MATHML_NAMESPACE)
    clean.set("display", "block" if display else "inline")
    return tostring(clean, encoding="unicode", short_empty_elements=True)


def _rebuild(source: Element, parent: Element | None) -> Element:
    """A copy of latex2mathml's tree with only allowed elements and attributes, texts decoded.

    latex2mathml stores characters as entity references inside texts (``&#x0003C;``) and
    un-escapes its serialised output; decoding the texts here and serialising with ElementTree
    escapes every ``<`` and ``&``, whatever the TeX said.
    """
    tag = source.tag
    if not isinstance(tag, str) or tag not in MATHML_ELEMENTS:
        raise _MathError(f"unexpected element {tag!r}")
    attributes = {
        name: html.unescape(value)
        for name, value in source.attrib.items()
        if name in MATHML_ATTRIBUTES
    }
    if tag in ARITY and len(source) != ARITY[tag]:
        raise _MathError(f"{tag} with {len(source)} children")
    if source.text in ("{", "}"):
        raise _MathError("unbalanced brace")  # an escaped brace arrives as a character reference
    text = html.unescape(source.text) if source.text else None
    if tag == "mi" and text is not None and text.startswith("\\") and text[1:] in OPERATOR_NAMES:
        tag, text = "mo", text[1:]
        attributes = {"lspace": "0em", "rspace": "0.1667em"}
    copy = Element(tag, attributes) if parent is None else SubElement(parent, tag, attributes)
    if text:
        if _LEFTOVER_COMMAND.search(text):
            raise _MathError(f"unknown command in {text!r}")
        copy.text = text
    for child in source:
        _rebuild(child, copy)
        if child.tail:
            copy[-1].tail = html.unescape(child.tail)
    return copy


# -- markdown-it rules -----------------------------------------------------------------------


def _closing_dollar(src: str, start: int, end: int, display: bool) -> int:
    """Where the formula opened before ``start`` closes (index of the closing ``$``), or -1.

    A backslash protects the next character (``\\$`` is a dollar inside the formula). An inline
    formula closes on a ``$`` after a non-space that is not followed by a digit; any other
    unescaped ``$`` ends the search (TeX has no bare dollar inside a formula), so that
    "costs $5 and $10" stays text. So does a backtick: a code span that starts inside what
    looked like a formula wins.
    """
    index = start
    while index < end:
        char = src[index]
        if char == "\\":
            index += 2
            continue
        if char == "`":
            return -1
        if char == "$":
            if display:
                return index if src.startswith("$$", index) else -1
            closes = not src[index - 1].isspace() and not (
                index + 1 < end and src[index + 1].isdigit()
            )
            return index if closes else -1
        index += 1
    return -1


def _math_inline_rule(state: StateInline, silent: bool) -> bool:
    """``$...$`` (inline) or ``$$...$$`` inside a paragraph (displayed)."""
    src, start, end = state.src, state.pos, state.posMax
    if src[start] != "$":
        return False
    display = src.startswith("$$", start)
    opener = 2 if display else 1
    begin = start + opener
    if begin >= end or (not display and src[begin].isspace()):
        return False
    close = _closing_dollar(src, begin, end, display)
    if close < 0 or not src[begin:close].strip():
        return False
    if not silent:
        token = state.push("math_display" if display else "math_inline", "math", 0)
        token.content = src[begin:close]
        token.markup = "$$" if display else "$"
    state.pos = close + opener
    return True


def _line(state: StateBlock, line: int) -> str:
    return state.src[state.bMarks[line] + state.tShift[line] : state.eMarks[line]]


def _math_block_rule(state: StateBlock, start_line: int, end_line: int, silent: bool) -> bool:
    """A displayed formula that starts a line with ``$$`` and ends a line with ``$$``.

    No blank line may occur inside (as in LaTeX): an unclosed ``$$`` swallows nothing, and the
    text stays for the inline rule. A closing ``$$`` followed by more text is left to the
    inline rule as well.
    """
    if state.is_code_block(start_line):
        return False
    first = _line(state, start_line).rstrip()
    if not first.startswith("$$"):
        return False
    rest = first[2:]
    last = start_line
    if rest.endswith("$$") and len(rest) >= 2:
        if "$$" in rest[:-2]:
            return False
    else:
        if "$$" in rest:
            return False
        last = start_line + 1
        while True:
            if last >= end_line:
                return False
            text = _line(state, last).rstrip()
            if not text or state.sCount[last] < state.blkIndent:
                return False
            if "$$" in text:
                if not text.endswith("$$") or text.count("$$") != 1:
                    return False
                break
            last += 1
    if silent:
        return True
    body = state.getLines(start_line, last + 1, state.blkIndent, False).strip()
    token = state.push("math_block", "math", 0)
    token.block = True
    token.content = body[2:-2]
    token.markup = "$$"
    token.map = [start_line, last + 1]
    state.line = last + 1
    return True


def _render_math(tex: str, display: bool, env: dict[str, Any] | None) -> str:
    converted = math_to_mathml(tex.strip(), display=display)
    if converted is not None:
        return converted
    if env is not None:
        env.setdefault("math_failures", []).append(tex.strip())
    kind = "display" if display else "inline"
    return f'<code class="{FALLBACK_CLASS} {FALLBACK_CLASS}-{kind}">{html.escape(tex)}</code>'


def _render_inline_math(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    return _render_math(tokens[idx].content, False, env)


def _render_display_math(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    return _render_math(tokens[idx].content, True, env)


def _render_block_math(
    self: Any, tokens: Sequence[Token], idx: int, options: Any, env: dict[str, Any]
) -> str:
    return f'<div class="math-display">{_render_math(tokens[idx].content, True, env)}</div>\n'


@lru_cache(maxsize=1)
def _parser() -> MarkdownIt:
    """CommonMark with tables, raw HTML escaped, and the two math rules."""
    parser = MarkdownIt("commonmark", {"html": False}).enable("table")
    parser.inline.ruler.before("escape", "math_inline", _math_inline_rule)
    parser.block.ruler.before(
        "fence",
        "math_block",
        _math_block_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    parser.add_render_rule("math_inline", _render_inline_math)
    parser.add_render_rule("math_display", _render_display_math)
    parser.add_render_rule("math_block", _render_block_math)
    return parser


# -- public API ------------------------------------------------------------------------------


@dataclass(frozen=True)
class Rendered:
    """Rendered HTML and the formulas that fell back to their TeX source."""

    html: Markup
    math_failures: tuple[str, ...]


@lru_cache(maxsize=512)
def _render_cached(text: str, inline: bool) -> Rendered:
    env: dict[str, Any] = {}
    parser = _parser()
    output = parser.renderInline(text, env) if inline else parser.render(text, env)
    return Rendered(Markup(output), tuple(env.get("math_failures", ())))


def render_markdown(text: str) -> Rendered:
    """Render Markdown with ``$`` math to HTML (blocks: paragraphs, lists, tables...)."""
    return _render_cached(text, False)


def render_inline(text: str) -> Rendered:
    """Render one line of Markdown with ``$`` math, without a wrapping paragraph (objectives,
    notes)."""
    return _render_cached(text, True)
