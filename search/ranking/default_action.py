"""Default-action signal: a query naming only the thing (کارت معلولیت) wants the first-time
service. Titles name the action, then the thing: صدور کارت ..., تمدید کارت ..., المثنی کارت ...;
these are the words titles use for the first time."""

from __future__ import annotations

import functools

import analyzers

DEFAULT_ACTION_BOOST = 0.25
DEFAULT_ACTIONS = "صدور دریافت درخواست ثبت‌نام ثبت اخذ"
# Words that say the same first-time service more exactly («صدور گذرنامه عادی (بار اول)»); بار
# only beside اول or نخستین, being cargo too (صدور مجوز حمل بار).
FIRST_TIME = "عادی جدید اول نخستین"
TIME = "بار"


@functools.cache
def _default_actions() -> frozenset[str]:
    return frozenset(analyzers.terms(DEFAULT_ACTIONS))


@functools.cache
def _first_time() -> frozenset[str]:
    return frozenset(analyzers.terms(FIRST_TIME))


def subject_words(title: tuple[str, ...]) -> frozenset[str]:
    """The title's words that are neither an action nor say the first time: `default_action` holds
    only for a query that answers them all (a cheap test, kept per card, before the full one)."""
    return frozenset(w for w in title if w not in _default_actions() and w not in _first_time() and w != TIME)


def default_action(title: tuple[str, ...], answered: set[str]) -> bool:
    """The query answers every title word but the default action (unless typed) and words that say
    it is the first time: «گذرنامه» and «صدور گذرنامه» both mean «صدور گذرنامه عادی (بار اول)»."""
    left = [w for w in title if w not in answered]
    if not left:
        return False  # the exact title's business
    if left[0] in _default_actions():
        left = left[1:]
    if TIME in left:
        if not {"اول", "نخستین"} & set(left):
            return False
        left = [w for w in left if w != TIME]
    return _first_time().issuperset(left)
