"""The page's shell (static/index.html) with its regions filled: each region is an element with an
id; a page says what goes in which, which are shown or hidden, and which attributes change."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from html import escape
from pathlib import Path

SHELL = (Path(__file__).parent.parent / "static" / "index.html").read_text(encoding="utf-8")


@dataclass
class Page:
    view: str | None  # the shell's view shown (home, search, service, report, reportAgency), if any
    title: str
    status: int = 200
    fills: dict[str, str] = field(default_factory=dict)  # element id → its content
    shown: set[str] = field(default_factory=set)  # element ids whose `hidden` goes
    hidden: set[str] = field(default_factory=set)  # element ids that get `hidden`
    attrs: dict[str, dict[str, str | bool]] = field(default_factory=dict)  # element id → attributes set
    rendered: bool = True  # the script may take this view over as it is
    # A search's normalised text and whether it found nothing, for the query log: the script does
    # not ask the API again for a page the server rendered, so the page logs what it searched.
    searched: tuple[str, bool] | None = None


VIEW_IDS = {
    "home": "view-home",
    "search": "view-search",
    "service": "view-service",
    "report": "view-report",
    "reportAgency": "view-report-agency",
}


def _start_tag(shell: str, element_id: str) -> re.Match:
    m = re.search(r'<([a-zA-Z][\w-]*)\b[^>]*\sid="' + re.escape(element_id) + r'"[^>]*>', shell)
    if m is None:
        raise KeyError(f"the page's shell has no element with id {element_id!r}")
    return m


def _end_of(shell: str, tag: str, start: int) -> int:
    """Where the element whose content starts at `start` closes (counting nested same-name tags)."""
    depth = 1
    for m in re.compile(rf"<(/?){tag}\b[^>]*>").finditer(shell, start):
        depth += -1 if m.group(1) else 1
        if depth == 0:
            return m.start()
    raise ValueError(f"<{tag}> is not closed in the page's shell")


def _set_attrs(tag_text: str, attrs: dict[str, str | bool]) -> str:
    for name, value in attrs.items():
        tag_text = re.sub(rf'\s{name}(="[^"]*")?(?=[\s>/])', "", tag_text)
        if value is False or value is None:
            continue
        added = f" {name}" if value is True else f' {name}="{escape(str(value))}"'
        tag_text = tag_text[:-1] + added + ">"
    return tag_text


def fill(shell: str, page: Page) -> str:
    attrs: dict[str, dict[str, str | bool]] = {}
    for element_id in page.shown:
        attrs.setdefault(element_id, {})["hidden"] = False
    for element_id in page.hidden:
        attrs.setdefault(element_id, {})["hidden"] = True
    for element_id, more in page.attrs.items():
        attrs.setdefault(element_id, {}).update(more)
    for element_id in set(attrs) | set(page.fills):
        m = _start_tag(shell, element_id)
        tag_text = _set_attrs(m.group(0), attrs.get(element_id, {}))
        if element_id in page.fills:
            end = _end_of(shell, m.group(1), m.end())
            shell = shell[: m.start()] + tag_text + page.fills[element_id] + shell[end:]
        else:
            shell = shell[: m.start()] + tag_text + shell[m.end() :]
    return re.sub(r"<title>[^<]*</title>", f"<title>{escape(page.title)}</title>", shell, count=1)
