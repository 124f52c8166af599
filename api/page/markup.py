"""Building HTML as the script's h() builds the DOM: every text escaped, only `Markup` passed as
it is; the engine's highlights rebuilt keeping nothing but text and <mark>."""

from __future__ import annotations

from html import escape
from html.parser import HTMLParser

import orjson

from api.page.words import display, fa_percent


class _Marked(HTMLParser):
    """Highlighted text rebuilt keeping only text and <mark>."""

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag == "mark":
            self.out.append("<mark>")

    def handle_endtag(self, tag):
        if tag == "mark":
            self.out.append("</mark>")

    def handle_data(self, data):
        self.out.append(escape(data, quote=False))


def marked(html_text, fallback) -> str:
    if not isinstance(html_text, str) or not html_text:
        return escape(display(fallback))
    parser = _Marked()
    parser.feed(display(html_text))
    parser.close()
    opened = "".join(parser.out).count("<mark>") - "".join(parser.out).count("</mark>")
    return "".join(parser.out) + "</mark>" * max(0, opened)


class Markup(str):
    """Text that is already HTML (an element built here, or highlights rebuilt by `marked`)."""


def h(tag: str, attrs: dict | None = None, *children) -> Markup:
    """An element, as the script's h(): attribute values and text children are escaped, `Markup`
    children are not; None and False are left out."""
    parts = [f"<{tag}"]
    for k, v in (attrs or {}).items():
        if v is None or v is False:
            continue
        parts.append(f" {k}" if v is True else f' {k}="{escape(str(v))}"')
    parts.append(">")
    parts.append(children_html(children))
    if tag not in ("input", "meta", "link", "br"):
        parts.append(f"</{tag}>")
    return Markup("".join(parts))


def children_html(children) -> str:
    out = []
    for c in children:
        if c is None or c is False:
            continue
        if isinstance(c, Markup):
            out.append(c)
        elif isinstance(c, (list, tuple)):
            out.append(children_html(c))
        else:
            out.append(escape(str(c), quote=False))
    return "".join(out)


def as_api_json(value):
    """The engine's answer as the API writes it (dataclasses as objects), so that the page reads
    exactly what the script reads."""
    return orjson.loads(orjson.dumps(value))


def readiness_class(x: float) -> str:
    return "high" if x >= 0.75 else "mid" if x >= 0.5 else "low" if x > 0 else "none"


def service_system_link(url: str, css_class: str) -> Markup:
    """The link to the service's own system, opened beside the portal."""
    return h(
        "a",
        {"href": url, "class": css_class, "target": "_blank", "rel": "noopener noreferrer"},
        "ورود به سامانه خدمت",
        h("span", {"aria-hidden": "true"}, " ↗"),
    )


def readiness_badge(x) -> Markup:
    v = float(x or 0)
    return h(
        "span",
        {"class": f"badge readiness {readiness_class(v)}", "title": "میزان الکترونیکی بودن مراحل خدمت"},
        f"الکترونیکی {fa_percent(v)}",
    )
