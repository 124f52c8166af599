"""Switches for every query-understanding step and ranking signal, so that `make eval` can
measure what each one is worth by turning it off."""

from __future__ import annotations

from dataclasses import dataclass, fields, replace


@dataclass(frozen=True)
class Signals:
    field_weights: bool = True  # BM25F weights title > keywords > agency > description > body
    phrase: bool = True  # query words adjacent in the title, in order
    exact_title: bool = True  # the query says exactly what the title says
    default_action: bool = True  # a bare "کارت معلولیت" means getting one: صدور before تمدید
    agency: bool = True  # the query names the card's agency (تعزیرات گرانفروشی)
    popularity: bool = True  # bounded log-scaled demand prior
    best_bets: bool = True  # curated query → services pinned first
    life_events: bool = True  # a query describing a life situation finds its services, in order
    # Query understanding, one switch per step (search/understanding/):
    synonyms: bool = True  # colloquial names and synonyms from corpus/synonyms.tsv
    joins: bool = True  # two words written apart that the cards write joined: گواهی نامه
    typos: bool = True  # corrections against the index vocabulary
    splits: bool = True  # a word typed without its space: کارتملی
    clitics: bool = True  # spoken clitics on words the lexicon lists whole: کارت ملیم
    lemmas: bool = True  # an inflected word also asks for its lemma: فرزندان → فرزند
    derivations: bool = True  # a word before «شدن» also asks for its noun: بازنشسته شدن → بازنشستگی
    numerals: bool = True  # a number's other spellings: پایه یک → پایه ۱, پایه یکم
    finglish: bool = True  # Persian in Latin letters: govahinameh
    layout: bool = True  # the keyboard left on English: ',hidkhli
    spoken_verbs: bool = True  # spoken verb forms: میخوام → می‌خواهم (analyzers/data/spoken_forms.tsv)
    spoken_verb_paradigm: bool = True  # spoken conjugations from their stems: بندازم → بیندازم (spoken_verb_stems.tsv)
    spoken_auxiliaries: bool = True  # spoken auxiliaries and the copula: نیس → نیست
    spoken_words: bool = True  # spoken words: خونه → خانه, بابا → پدر
    spoken_clitics: bool = True  # spoken endings glued to words: ماشینمو → ماشین
    spoken_vowels: bool = True  # speech's ūn for ān in words the table lacks: ساختمون → ساختمان
    nonsense: bool = True  # show nothing rather than noise for weak matches
    # Retrieval (search/retrieval.py):
    graded: bool = True  # everyday words are context, not required; partial matches ranked by information
    everyday: bool = True  # general Persian word frequencies discount everyday words (search/information.py)

    def without(self, name: str) -> Signals:
        return replace(self, **{name: False})

    @classmethod
    def names(cls) -> list[str]:
        return [f.name for f in fields(cls)]


DEFAULT = Signals()
