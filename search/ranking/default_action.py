"""Default-action signal: a query naming only the thing (کارت معلولیت) wants the first-time
service. Titles name the action, then the thing: صدور کارت ..., تمدید کارت ..., المثنی کارت ...;
these are the words titles use for the first time."""

from __future__ import annotations

import functools

import analyzers

DEFAULT_ACTION_BOOST = 0.25
DEFAULT_ACTIONS = "صدور دریافت درخواست ثبت‌نام ثبت اخذ"


@functools.cache
def _default_actions() -> frozenset[str]:
    return frozenset(analyzers.terms(DEFAULT_ACTIONS))


def default_action(title: tuple[str, ...], answered: set[str]) -> bool:
    """The query answers every title word but one, and that one is the default action."""
    left = [w for w in title if w not in answered]
    return len(left) == 1 and left[0] in _default_actions()
