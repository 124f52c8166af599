"""How facet values are shown to people: the corpus codes of audience, level and channel (see
corpus/service-card.schema.json) in Persian. Clusters and agencies are Persian names already: their
label is the value itself."""

from __future__ import annotations

LABELS: dict[str, dict[str, str]] = {
    "audience": {"citizen": "شهروندان", "business": "کسب‌وکارها", "government": "دستگاه‌ها"},
    "level": {"national": "ملی", "provincial": "استانی", "local": "شهرستانی"},
    "channel": {
        "web": "وب",
        "mobile_app": "اپلیکیشن موبایل",
        "ussd": "کد دستوری",
        "kiosk": "کیوسک",
        "counter_office": "دفاتر پیشخوان",
        "in_person": "حضوری",
        "phone": "تلفن",
    },
}


def label(facet: str, value: str) -> str:
    return LABELS.get(facet, {}).get(value, value)
