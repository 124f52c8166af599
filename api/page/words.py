"""What people read: Persian digits, Jalali dates, the facets' and checks' Persian labels, and
titles shown with Persian letters, as app.js writes them."""

from __future__ import annotations

import datetime
import math
import re

from search.labels import label  # noqa: F401 (the one table of labels, re-exported for the page)

# As app.js: a long facet's values shown before «نمایش همه», and the facets shown folded.
FACET_PREVIEW = 8
COLLAPSED = ("audience", "level", "channel")
FACET_TITLES = {
    "cluster": "خوشه خدمت",
    "agency": "دستگاه اجرایی",
    "audience": "مخاطب",
    "level": "سطح ارائه",
    "channel": "کانال دریافت",
}
STAGES = (
    ("information", "اطلاع‌رسانی"),
    ("application", "دریافت درخواست"),
    ("processing", "پردازش"),
    ("delivery", "تحویل"),
)
CHECK_LABELS = {
    "no_url": "درخواست الکترونیکی بدون نشانی سامانه",
    "no_documents": "بدون فهرست مدارک",
    "no_steps": "بدون مراحل انجام",
    "no_channels": "بدون کانال دریافت",
    "stale": "به‌روز نشده در یک سال گذشته",
    "short_description": "شرح کوتاه‌تر از یک جمله",
}
CHECK_RULES = {
    "no_url": "مرحله دریافت درخواست الکترونیکی است اما نشانی سامانه (url) ثبت نشده است.",
    "no_documents": "هیچ مدرک لازمی ثبت نشده است.",
    "no_steps": "مراحل دریافت خدمت ثبت نشده است.",
    "no_channels": "هیچ کانال دریافت خدمت ثبت نشده است.",
    "stale": "تاریخ به‌روزرسانی ثبت نشده یا بیش از یک سال پیش از انتشار این گزارش است.",
    "short_description": "شرح خدمت ثبت نشده یا کمتر از شش واژه است.",
}


# Titles and descriptions typed with Arabic letters are shown with the Persian ones: display only,
# the words themselves (and Arabic-Indic digits) stay as they are in the card.
_PERSIAN_LETTERS = str.maketrans({"ي": "ی", "ك": "ک"})
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_MONTHS = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی", "بهمن", "اسفند")


def display(text) -> str:
    return str(text or "").translate(_PERSIAN_LETTERS)


def fa_digits(text) -> str:
    return str(text).translate(_PERSIAN_DIGITS)


def fa_num(n) -> str:
    """A number as Intl.NumberFormat("fa-IR") writes it: Persian digits, the Arabic thousands separator."""
    return f"{n:,}".replace(",", "٬").translate(_PERSIAN_DIGITS)


def fa_percent(x) -> str:
    # Halves up, as the script's Math.round (Python's round() would round them to even).
    return fa_num(math.floor((float(x or 0)) * 100 + 0.5)) + "٪"


def jalali(day: datetime.date) -> tuple[int, int, int]:
    """The Solar Hijri (Jalali) date of a Gregorian one (the arithmetic of the usual conversion)."""
    gy, gm, gd = day.year, day.month, day.day
    before = (0, 31, 59, 90, 120, 151, 181, 212, 243, 273, 304, 334)
    gy2 = gy + 1 if gm > 2 else gy
    days = 355666 + 365 * gy + (gy2 + 3) // 4 - (gy2 + 99) // 100 + (gy2 + 399) // 400 + gd + before[gm - 1]
    jy = -1595 + 33 * (days // 12053)
    days %= 12053
    jy += 4 * (days // 1461)
    days %= 1461
    if days > 365:
        jy += (days - 1) // 365
        days = (days - 1) % 365
    if days < 186:
        return jy, 1 + days // 31, 1 + days % 31
    return jy, 7 + (days - 186) // 30, 1 + (days - 186) % 30


def fa_date(iso: str) -> str:
    """A date as the script shows it (Intl "fa-IR", dateStyle long): «۱۴ آذر ۱۴۰۵»."""
    try:
        y, m, d = jalali(datetime.date.fromisoformat(str(iso)[:10]))
    except ValueError:
        return fa_digits(iso)
    return fa_digits(f"{d} {_MONTHS[m - 1]} {y}")


def safe_url(url) -> str | None:
    """Only http(s) addresses become links; anything else (javascript:, data:) stays text."""
    if not isinstance(url, str):
        return None
    url = url.strip()
    return url if re.match(r"(?i)^https?://[^\s]+$", url) else None


def fold(text: str) -> str:
    """app.js `fold`: names compared the way people type them."""
    text = re.sub(r"[\u200c\u200f\u064b-\u065f]", "", str(text or "").replace("ى", "ی").translate(_PERSIAN_LETTERS))
    return re.sub(r"\s+", " ", text).strip().lower()
