"""Words that carry no search intent: function words, question words and the informal verbs of
natural queries ("چطوری میتونم پاسپورتمو تمدید کنم"). They are dropped at index and query time so
that they never outweigh the content words.

Deliberately not hazm's stop list: it holds content words for this domain (کار, امور, ارائه ...).
Forms are written as the analyzer sees them: letters folded, hamza folded (آن → ان), no ZWNJ.
"""

from __future__ import annotations

STOPWORDS = frozenset(
    w.replace("\u200c", "")
    for w in """
    و در به از که با برای برا این ان اون این‌ها انها اونها را رو تا یا هم نیز بر اگر پس سپس
    یک یه ی ای هر همه همین همان هیچ چند چندتا دیگر دیگه خیلی فقط هنوز حتی بعد قبل بدون طریق توسط نزد
    چه چی چیه چیست چیزی چطور چطوری چگونه چجوری چه‌جوری چجور کجا کجاست کجان کی کدام کدوم کدوم‌ها ایا
    چرا چقدر چقد چندتا کی‌ها چیکار چکار چه‌کار جوری جور چطوره چیه چقدره کجاس
    من ما تو شما او اونا ایشان خودم خودمون خودت خودش برام برایم برامون براش بهم بهش ازش
    است هست هستش هستند نیست بود بوده باشد باشه هستم هستیم
    باید بایست نباید میشه نمیشه بشه میشود نمیشود شود شه میشد
    میخوام میخواهم میخواستم میخواستیم میخوایم میخواهیم خواستم
    میتونم میتوانم میتونیم میتوانیم میتوان نمیتونم نمیتوانم بتونم بتوانم
    کنم کنیم کنه کند کنند بکنم بکنیم میکنم میکنن میکنند میکنه کرد کردم کردن کردیم نمود نمایید نماید
    دارم داریم داره دارد دارند
    کرده شده نشده بدید بدم بده بدین بدیم بفرمایید فرمایید بفرمائید شوم بشم بشه نشه بشوم شوید شوند گردد
    بکنید کنید بکن بکنه بره برم بریم
    لطفا ممنون مرسی سلام خسته نباشید تشکر باتشکر
    لازم لازمه نیاز نیازه
    """.split()
)

# Verbs whose stem adds nothing to a query: "تمدید کنم" means "تمدید". Keyed by hazm's past stem.
LIGHT_VERB_PASTS = frozenset(
    "کرد شد نمود گشت گردید داشت خواست توانست بود باید است هست گرفت داد".split()
)
