"""The coder's rules as data: cue words, patterns, weights and windows of the coder, the trigger
detector, dates, fatalities and places, read from ``code/data/*.yaml`` by the strict loader
(``dataload``) and compiled once into the records below, which the stages are handed.

Every rule file has the same shape: language-independent sections (``weights``, ``windows``,
``classes``, ...) at the top level, and the words and patterns of each language under its code
(``en:``). A second language is a second section, with no change here. Patterns are regular
expressions, case-insensitive unless written ``{re: ..., case_sensitive: true}``; a long one may be
written as a list of pieces (joined without spaces); ``%{name}`` in a pattern stands for the
language's fragment ``name`` (fragments may use fragments defined before them).
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any, Optional

from ..nlp.anchors import anchor_gap
from . import dataload as dl
from .dataload import Key, Where

DEFAULT_LANGUAGE = "en"
_FRAGMENT = re.compile(r"%\{(\w+)\}")


# ----------------------------------------------------------------------------- checks
@dataclass(frozen=True)
class RawPattern:
    """A pattern as written in a data file, compiled once the language's fragments are known."""

    source: str
    flags: int
    where: Where


def rx(v: Any, w: Where) -> RawPattern:
    """A pattern: text, a list of pieces, or ``{re: ..., case_sensitive: true}``."""
    flags = re.I
    if isinstance(v, dict):
        unknown = [k for k in v if k not in ("re", "case_sensitive")]
        if unknown:
            raise w.at(str(unknown[0])).fail("unknown key (known: case_sensitive, re)")
        if "re" not in v:
            raise w.at("re").fail("missing")
        if dl.flag(v.get("case_sensitive", False), w.at("case_sensitive")):
            flags = 0
        v = v["re"]
    if isinstance(v, list):
        src = "".join(_piece(x, w.at(f"[{i}]")) for i, x in enumerate(v))
    else:
        src = _piece(v, w)
    if not src:
        raise w.fail("empty pattern")
    return RawPattern(src, flags, w)


def _piece(v: Any, w: Where) -> str:
    if not isinstance(v, str):
        raise w.fail(f"expected a pattern (text), got {type(v).__name__}")
    return v


def words(v: Any, w: Where) -> frozenset[str]:
    """A set of words (lower case)."""
    return frozenset(x.lower() for x in dl.list_of(dl.text)(v, w))


def word_list(v: Any, w: Where) -> tuple[str, ...]:
    """Words in their order (lower case)."""
    return tuple(x.lower() for x in dl.list_of(dl.text)(v, w))


def number(v: Any, w: Where) -> float:
    if isinstance(v, bool) or not isinstance(v, (int, float)):
        raise w.fail(f"expected a number, got {v!r}")
    return v


def counts(v: Any, w: Where) -> dict[str, int]:
    """Words mapped to whole numbers."""
    return dl.mapping(dl.text, dl.integer)(v, w)


def sections(fixed: dict[str, Key], language: dl.Check) -> dl.Check:
    """A rule file: the language-independent ``fixed`` sections, and one section per language code
    (``languages`` in the result). Errors name each section as the entry."""
    def check(v: Any, w: Where) -> dict:
        if not isinstance(v, dict):
            raise w.fail(f"expected a mapping, got {type(v).__name__}")
        out: dict = {"languages": {}}
        for k, x in v.items():
            if isinstance(k, str) and k in fixed:
                out[k] = fixed[k].check(x, w.enter(k)) if x is not None else None
                continue
            if not isinstance(k, str) or not dl.LANG.match(k):
                known = ", ".join(sorted(fixed)) or "none"
                raise w.at(str(k)).fail(f"unknown key (known: {known}, or a language code such as 'en')")
            out["languages"][k] = language(x, w.enter(k))
        for k, spec in fixed.items():
            if spec.required and out.get(k) is None:
                raise w.at(k).fail("missing")
        return out
    return check


def named_list(item: dl.Check, ident: str) -> dl.Check:
    """A list of records, each named in errors by its ``ident`` value and position (values may repeat)."""
    def check(v: Any, w: Where) -> list:
        if not isinstance(v, list):
            raise w.fail(f"expected a list, got {type(v).__name__}")
        key = f"{w.entry}.{w.key}" if w.entry else w.key
        out = []
        for i, x in enumerate(v):
            name = x.get(ident) if isinstance(x, dict) else None
            out.append(item(x, Where(w.file, f"{name} #{i + 1}" if name is not None else f"#{i + 1}", key)))
        return out
    return check


def compile_patterns(obj: Any, fragments: dict[str, RawPattern]) -> Any:
    """``obj`` with every RawPattern compiled (fragments expanded); errors name file, entry and key."""
    if isinstance(obj, RawPattern):
        src = expand(obj.source, fragments, obj.where)
        try:
            return re.compile(src, obj.flags)
        except re.error as exc:
            raise obj.where.fail(f"not a valid pattern ({exc})") from None
    if isinstance(obj, dict):
        return {k: compile_patterns(x, fragments) for k, x in obj.items()}
    if isinstance(obj, list):
        return [compile_patterns(x, fragments) for x in obj]
    return obj


def expand(src: str, fragments: dict[str, RawPattern], where: Where, depth: int = 0) -> str:
    if depth > 10:
        raise where.fail("fragments nest too deep (a fragment that uses itself?)")

    def sub(m: re.Match) -> str:
        frag = fragments.get(m.group(1))
        if frag is None:
            raise where.fail(f"unknown fragment %{{{m.group(1)}}} (known: {', '.join(sorted(fragments)) or 'none'})")
        return expand(frag.source, fragments, where, depth + 1)

    return _FRAGMENT.sub(sub, src)


def read_rules(name: str, fixed: dict[str, Key], language: dict[str, Key], lang: str,
               raw: Optional[dict] = None) -> tuple[dict, dict]:
    """Read a rule file (or ``raw``, its parsed content): (its fixed sections, its ``lang`` section
    with patterns compiled)."""
    schema = sections(fixed, dl.record({"fragments": Key(dl.mapping(dl.text, rx)), **language}))
    d = dl.read(name, schema) if raw is None else schema(raw, Where(name))
    if lang not in d["languages"]:
        raise dl.DataError(f"{name}: no section for language {lang!r} (has: {', '.join(sorted(d['languages'])) or 'none'})")
    section = d["languages"][lang]
    fragments = section.pop("fragments", {})
    return d, compile_patterns(section, fragments)


def groups(pattern: re.Pattern, needed: set[str], where: Where) -> re.Pattern:
    """``pattern`` if it has the named groups the code reads, else a DataError."""
    missing = needed - set(pattern.groupindex)
    if missing:
        raise where.fail(f"the pattern lacks the named group(s) {', '.join(sorted(missing))}")
    return pattern


def any_word(ws, flags: int = re.I) -> re.Pattern:
    """A pattern matching any of ``ws`` as whole words."""
    return re.compile(r"\b(?:" + "|".join(re.escape(x) for x in ws) + r")\b", flags)


def word_starts(ws, flags: int = re.I) -> re.Pattern:
    """A pattern matching any of ``ws`` at the start of a word ("negotiat" in "negotiations")."""
    return re.compile(r"\b(?:" + "|".join(re.escape(x) for x in ws) + r")", flags)


# ----------------------------------------------------------------------------- coder
@dataclass(frozen=True)
class CoderRules:
    """code/data/coder.yaml: what is news and what is background, windows and confidence."""

    windows: dict[str, int]
    confidence: dict[str, float]
    background: re.Pattern
    background_clause: re.Pattern
    aggregate: re.Pattern
    question: re.Pattern
    quotation: re.Pattern
    spell_before: re.Pattern
    article_space: re.Pattern
    negotiating_lemmas: frozenset[str]
    ongoing_lemmas: frozenset[str]
    report_lemmas: frozenset[str]
    talks: re.Pattern
    saying_lemmas: frozenset[str]
    party_words: re.Pattern
    claiming_lemmas: frozenset[str]
    claiming_words: tuple[str, ...]
    narrative_adverbs: frozenset[str]
    mention_determiners: frozenset[str]
    background_marks: frozenset[str]
    mention_kin: tuple[frozenset[str], ...]
    generic_preps: frozenset[str]
    mass_triggers: frozenset[str]
    history_units: frozenset[str]

    WINDOWS = ("date_lookback_sentences", "background_clause_chars", "continuation_sentences", "carry_place_chars",
               "carry_place_chars_destination", "abroad_min_places", "headline_max_chars", "background_days",
               "background_days_long",
               "future_days", "spell_before_chars", "merge_days", "same_place_km", "long_story_sentences", "lede_chars")
    CONFIDENCE = ("base", "actor1", "place", "date", "root", "uncertain", "subordinate", "merged", "floor", "ceiling")

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE, raw: Optional[dict] = None) -> "CoderRules":
        d, en = read_rules("coder.yaml", {
            "windows": Key(dl.record({k: Key(dl.integer, True) for k in cls.WINDOWS}), True),
            "confidence": Key(dl.record({k: Key(number, True) for k in cls.CONFIDENCE}), True),
        }, {
            "background": Key(rx, True), "background_clause": Key(rx, True), "aggregate": Key(rx, True),
            "question": Key(rx, True), "quotation": Key(rx, True), "spell_before": Key(rx, True), "arabic_articles": Key(word_list, True),
            "negotiating_lemmas": Key(words, True), "ongoing_lemmas": Key(words, True),
            "report_lemmas": Key(words, True), "talk_words": Key(word_list, True),
            "saying_lemmas": Key(words, True), "party_words": Key(rx, True), "claiming_lemmas": Key(words, True),
            "claiming_words": Key(word_list, True), "narrative_adverbs": Key(words, True),
            "mention_determiners": Key(words, True), "background_marks": Key(words, True),
            "mention_kin": Key(dl.list_of(word_list), True),
            "generic_preps": Key(words, True), "mass_triggers": Key(words, True), "history_units": Key(words, True),
        }, lang, raw)
        articles = en.pop("arabic_articles")
        en["article_space"] = re.compile(r"\b(" + "|".join(re.escape(a) for a in articles) + r") (?=\w)")
        en["talks"] = word_starts(en.pop("talk_words"))
        en["mention_kin"] = tuple(frozenset(g) for g in en["mention_kin"])
        return cls(windows=d["windows"], confidence=d["confidence"], **en)


# ----------------------------------------------------------------------------- trigger detector
@dataclass(frozen=True)
class DetectorRules:
    """code/data/detector.yaml: the words the trigger detector's modality and role rules look at."""

    weights: dict[str, int]
    air_promotes: frozenset[str]
    attempt_happens: frozenset[str]
    purpose_happens: frozenset[str]
    modifier_describes: frozenset[str]
    modal_auxiliaries: frozenset[str]
    hypothetical_nouns: frozenset[str]
    intent_governors: frozenset[str]
    implicative_governors: frozenset[str]
    order_governors: frozenset[str]
    hypothetical_modifiers: frozenset[str]
    trend_verbs: frozenset[str]
    conditional_marks: frozenset[str]
    governed_preps: frozenset[str]
    negating_determiners: frozenset[str]
    negation_transparent: frozenset[str]
    negating_preps: frozenset[str]
    habitual_words: frozenset[str]
    span_preps: frozenset[str]
    span_units: frozenset[str]
    span_modifiers: frozenset[str]
    background_verbs: frozenset[str]
    carry_verbs: frozenset[str]
    causative_verbs: frozenset[str]
    happen_verbs: frozenset[str]
    pairing_verbs: frozenset[str]
    patient_preps: frozenset[str]
    noun_patient_preps: frozenset[str]
    noun_agent_preps: frozenset[str]
    between_preps: frozenset[str]
    against_preps: frozenset[str]
    opponent_preps: frozenset[str]
    subject_patient_preps: frozenset[str]
    target_verbs: frozenset[str]
    target_modifiers: frozenset[str]
    air_modifiers: frozenset[str]
    agent_nouns: frozenset[str]
    ongoing_modifiers: frozenset[str]

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE, raw: Optional[dict] = None) -> "DetectorRules":
        lang_keys = [f for f in cls.__dataclass_fields__ if f not in ("weights", "air_promotes", "attempt_happens",
                                                                      "purpose_happens", "modifier_describes")]
        d, en = read_rules("detector.yaml", {
            "weights": Key(dl.record({"subordinate": Key(dl.integer, True), "root": Key(dl.integer, True)}), True),
            "classes": Key(dl.record({"air_promotes": Key(words, True), "attempt_happens": Key(words, True),
                                      "purpose_happens": Key(words, True), "modifier_describes": Key(words, True)}),
                      True),
        }, {k: Key(words, True) for k in lang_keys}, lang, raw)
        return cls(weights=d["weights"], **d["classes"], **en)

    def lemmas(self) -> set[str]:
        """Every single word the detector's rules look at (the lemmatiser prefers them)."""
        skip = ("air_promotes", "attempt_happens", "purpose_happens", "modifier_describes")  # class names, not words
        return {w for f in self.__dataclass_fields__ if f not in skip and isinstance(getattr(self, f), frozenset)
                for w in getattr(self, f) if " " not in w}


# ----------------------------------------------------------------------------- dates
@dataclass(frozen=True)
class DateRules:
    """code/data/dates.yaml: month and weekday names, number words, date patterns by kind."""

    months: dict[str, int]
    weekdays: dict[str, int]
    numbers: dict[str, int]
    relations: dict[str, str]
    day_offsets: dict[str, int]
    units: dict[str, str]
    part_of_month_days: dict[str, int]
    part_of_year_months: dict[str, int]
    prefilter: re.Pattern
    patterns: tuple[tuple[str, re.Pattern], ...]
    shift: re.Pattern
    vague_counts: tuple[str, ...]
    directions: dict[str, str]
    approximate_before: dict[str, re.Pattern]
    approximate_after: dict[str, re.Pattern]
    named_day_reach: int

    # the named groups each kind of pattern is read by (dates.DateFinder._resolve)
    KINDS = {"iso": {"year", "mon", "day"}, "dmy_range": {"mid", "day", "mon1", "day2", "mon", "year"},
             "mdy_range": {"mid", "mon", "day", "day2", "year"}, "numeric_dm": {"day", "mon", "year"}, "dmy": {"mon", "day", "year"}, "mdy": {"mon", "day", "year"},
             "part_month": {"part", "rel", "rel2", "mon2", "mon3", "year"}, "month_year": {"mon", "year"},
             "rel_month": {"rel", "mon"}, "in_month": {"mon"}, "this_month": {"rel"}, "week": {"rel"},
             "weekday": {"rel", "wd"}, "yesterday": {"w"}, "year": {"year"}, "rel_year": {"part", "edge", "rel"}, "recent": {"n", "unit"}, "ago": {"n", "unit"}}
    RELATIONS = ("last", "this", "next", "recent")
    UNITS = ("day", "week", "month", "hour")

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE, raw: Optional[dict] = None) -> "DateRules":
        pattern_entry = dl.record({"kind": Key(dl.one_of(*cls.KINDS), True), "re": Key(rx, True)})
        _, en = read_rules("dates.yaml", {}, {
            "months": Key(dl.list_of(word_list), True), "weekdays": Key(word_list, True),
            "numbers": Key(counts, True), "relations": Key(dl.mapping(dl.text, dl.one_of(*cls.RELATIONS)), True),
            "day_offsets": Key(counts, True), "units": Key(dl.mapping(dl.text, dl.one_of(*cls.UNITS)), True),
            "part_of_month_days": Key(counts, True), "part_of_year_months": Key(counts, True),
            "prefilter": Key(rx, True),
            "patterns": Key(named_list(pattern_entry, "kind"), True),
            "shift": Key(rx, True), "vague_counts": Key(word_list, True), "directions": Key(dl.mapping(dl.text, dl.one_of("back", "forward")), True),
            "approximate_before": Key(dl.mapping(dl.one_of("week", "month"), rx), True),
            "approximate_after": Key(dl.mapping(dl.one_of("week", "month"), rx), True),
            "named_day_reach": Key(dl.integer, True),
        }, lang, raw)
        groups(en["shift"], {"n", "unit", "dir"}, Where("dates.yaml", lang, "shift"))
        if len(en["months"]) != 12:
            raise Where("dates.yaml", lang, "months").fail(f"expected 12 months, got {len(en['months'])}")
        if len(en["weekdays"]) != 7:
            raise Where("dates.yaml", lang, "weekdays").fail(f"expected 7 weekdays, got {len(en['weekdays'])}")
        pats, seen = [], set()
        for i, p in enumerate(en.pop("patterns")):
            w = Where("dates.yaml", f"{p['kind']} #{i + 1}", f"{lang}.patterns.re")
            if p["kind"] in seen:
                raise w.fail(f"a second pattern of kind {p['kind']!r}")
            seen.add(p["kind"])
            pats.append((p["kind"], groups(p["re"], cls.KINDS[p["kind"]], w)))
        months = {name: i for i, names in enumerate(en.pop("months"), 1) for name in names}
        weekdays = {name: i for i, name in enumerate(en.pop("weekdays"))}
        return cls(months=months, weekdays=weekdays, patterns=tuple(pats), **en)


# ----------------------------------------------------------------------------- fatalities
@dataclass(frozen=True)
class FatalityRules:
    """code/data/fatalities.yaml: number words and the patterns of tolls, coded figures and allocations."""

    windows: dict[str, int]
    units: dict[str, int]
    tens: dict[str, int]
    vague: dict[str, int]
    qualifiers: tuple[str, ...]
    at_least: tuple[str, ...]
    pronouns: frozenset[str]
    hundred: str
    compound_number: re.Pattern
    victim: re.Pattern
    victim_word: re.Pattern
    prefilter: re.Pattern
    counts: tuple[tuple[str, re.Pattern, bool, bool, bool], ...]  # (kill | hurt, pattern, one victim, and_more, and_before)
    stated: tuple[tuple[str, re.Pattern], ...]  # (event | coded | split, pattern)
    none: re.Pattern
    date_before: re.Pattern
    year_before: re.Pattern
    date_after: re.Pattern
    year: re.Pattern
    or_hurt: re.Pattern
    hurt_or: re.Pattern
    and_more: re.Pattern
    and_before: re.Pattern
    grievance: re.Pattern
    alternative: re.Pattern
    aggregate_after: re.Pattern
    part_after: re.Pattern
    articles: frozenset[str]
    stated_cues: tuple[str, ...]
    split_parts: dict[str, int]
    alloc_cue: re.Pattern
    alloc_number: re.Pattern
    toll_words: re.Pattern
    place_name: re.Pattern
    this_place: re.Pattern
    dead_words: re.Pattern
    place_own: re.Pattern
    not_places: frozenset[str]

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE, raw: Optional[dict] = None) -> "FatalityRules":
        count_entry = dl.record({"count": Key(dl.one_of("kill", "hurt"), True), "re": Key(rx, True),
                                 "one_victim": Key(dl.flag), "and_more": Key(dl.flag), "and_before": Key(dl.flag)})
        stated_entry = dl.record({"kind": Key(dl.one_of("event", "coded", "split"), True), "re": Key(rx, True)})
        names = ("victim", "victim_word", "prefilter", "none", "date_before", "year_before", "date_after", "year", "or_hurt",
                 "hurt_or", "and_more", "and_before", "grievance", "alternative", "aggregate_after", "part_after", "alloc_cue", "alloc_number", "toll_words", "place_name", "this_place", "dead_words",
                 "place_own")
        d, en = read_rules("fatalities.yaml", {
            "windows": Key(dl.record({"min_fuzzy_name": Key(dl.integer, True), "fuzzy_score": Key(dl.integer, True)}), True),
        }, {
            **{k: Key(rx, True) for k in names},
            "units": Key(counts, True), "tens": Key(counts, True), "vague": Key(counts, True),
            "qualifiers": Key(word_list, True), "at_least": Key(word_list, True), "pronouns": Key(words, True),
            "hundred": Key(dl.text, True),
            "counts": Key(named_list(count_entry, "count"), True), "articles": Key(words, True),
            "stated": Key(named_list(stated_entry, "kind"), True),
            "stated_cues": Key(word_list, True), "not_places": Key(words, True),
        }, lang, raw)
        where = Where("fatalities.yaml", lang)
        en["counts"] = tuple((c["count"], groups(c["re"], {"n"}, Where("fatalities.yaml", f"{c['count']} #{i + 1}", f"{lang}.counts.re")),
                              c.get("one_victim", False), c.get("and_more", False), c.get("and_before", False))
                             for i, c in enumerate(en["counts"]))
        en["stated"] = tuple((c["kind"], groups(c["re"], {"total", "parts"} if c["kind"] == "split" else {"n"},
                                                Where("fatalities.yaml", f"{c['kind']} #{i + 1}", f"{lang}.stated.re")))
                             for i, c in enumerate(en["stated"]))
        en["split_parts"] = {**en["units"], **en["tens"]}
        groups(en["this_place"], {"n"}, where.at("this_place"))
        groups(en["place_own"], {"name", "n"}, where.at("place_own"))
        hundred = en["hundred"].lower()
        compound = re.compile(r"(\w+)(?:[-\s](\w+))?(?: " + re.escape(hundred) + r")?")
        return cls(windows=d["windows"], compound_number=compound, **en)


# ----------------------------------------------------------------------------- places
@dataclass(frozen=True)
class PlaceRules:
    """code/data/places.yaml: the cues and weights that choose an event's place among its sentence's."""

    weights: dict[str, float]
    windows: dict[str, int]
    origin_is_place: dict[str, frozenset[str]]
    place_cue: re.Pattern
    weak_cue: re.Pattern
    area_suffixes: tuple[str, ...]
    possessive: tuple[str, ...]
    anchor_gap: re.Pattern
    listed_after: re.Pattern
    conjunction: re.Pattern
    joiners: tuple[str, ...]
    affiliation_before: re.Pattern
    affiliation_after: re.Pattern
    org_after: re.Pattern
    org_before: re.Pattern
    attributive_after: re.Pattern
    destination: re.Pattern
    region_after: re.Pattern
    region_before: re.Pattern
    event_preps: frozenset[str]
    origin_preps: frozenset[str]
    speech_lemmas: frozenset[str]
    witness_words: frozenset[str]
    topic_preps: frozenset[str] = frozenset()
    topic_words: frozenset[str] = frozenset()
    contrast_marks: frozenset[str] = frozenset()
    seat_features: tuple[str, ...] = ()

    WEIGHTS = ("strong_cue", "weak_cue", "area_suffix", "possessive", "country", "region", "first_level_area",
               "actor_overlap", "distance_chars", "resolution", "other_branch", "origin", "subject", "other_clause",
               "event_prep", "abroad", "abroad_beside_home", "containing_province", "container_score", "protest_topic",
               "destination", "contrast_clause")
    WINDOWS = ("cue_before", "suffix_after", "affiliation_before", "affiliation_after", "org_after", "org_before",
               "attributive_after", "destination_before", "chain_gap", "listed_after", "region_after", "region_before",
               "inside_km", "region_km", "carried_after", "parse_path", "speaker_km")

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE, raw: Optional[dict] = None) -> "PlaceRules":
        names = ("place_cue", "weak_cue", "listed_after", "conjunction", "affiliation_before",
                 "affiliation_after", "org_after", "org_before", "attributive_after", "destination", "region_after",
                 "region_before")
        d, en = read_rules("places.yaml", {
            "weights": Key(dl.record({k: Key(number, True) for k in cls.WEIGHTS}), True),
            "windows": Key(dl.record({k: Key(dl.integer, True) for k in cls.WINDOWS}), True),
            "origin_is_place": Key(dl.record({"classes": Key(words, True), "resolves": Key(words, True)}), True),
            "seat_features": Key(dl.list_of(dl.text), True),
        }, {
            **{k: Key(rx, True) for k in names},
            "area_suffixes": Key(dl.list_of(_spaced), True), "possessive": Key(dl.list_of(_spaced), True),
            "joiners": Key(dl.list_of(_spaced), True),
            "event_preps": Key(words, True), "origin_preps": Key(words, True), "speech_lemmas": Key(words, True),
            "witness_words": Key(words, True), "topic_preps": Key(words, True), "topic_words": Key(words, True),
            "contrast_marks": Key(words, True),
        }, lang, raw)
        return cls(weights=d["weights"], windows=d["windows"], origin_is_place=d["origin_is_place"],
                   seat_features=tuple(d["seat_features"]), area_suffixes=tuple(en.pop("area_suffixes")), possessive=tuple(en.pop("possessive")),
                   joiners=tuple(en.pop("joiners")), anchor_gap=anchor_gap(lang), **en)


def _spaced(v: Any, w: Where) -> str:
    """Text whose spaces count (" province", "'s "): taken as written, not stripped."""
    if not isinstance(v, str) or not v:
        raise w.fail(f"expected text, got {v!r}")
    return v


# ----------------------------------------------------------------------------- gate
@dataclass(frozen=True)
class GateRules:
    """code/data/gate.yaml: what grounds a sentence in the world of conflict, what unmakes its event."""

    windows: dict[str, int]
    armed_people: re.Pattern
    violence: re.Pattern
    benign: re.Pattern
    legal_frame: re.Pattern
    analyst_frame: re.Pattern
    agreement_objects: re.Pattern
    long_ago: re.Pattern
    habit_phrase: re.Pattern
    diplomacy: re.Pattern
    war_deals: re.Pattern
    person_nouns: frozenset[str]
    quantifiers: frozenset[str]
    habitual: frozenset[str]
    negating: frozenset[str]
    modals: frozenset[str]
    audience_verbs: frozenset[str]
    discovery_verbs: frozenset[str]
    party_types: frozenset[str]
    weapon_nouns: frozenset[str]
    weapon_events: frozenset[str]
    weapon_hold_verbs: frozenset[str]
    munitions: frozenset[str]
    weapon_hold_nouns: frozenset[str]
    state_preps: frozenset[str]
    former: frozenset[str]
    setting_nouns: frozenset[str]
    concessive: frozenset[str]
    plan_verbs: frozenset[str]
    verdicts: frozenset[str]
    recollection: re.Pattern
    court: re.Pattern
    found_remains: frozenset[str]
    example_frame: re.Pattern
    spell_units: frozenset[str]
    condition_classes: frozenset[str]
    condition_onsets: frozenset[str]
    count_nouns: frozenset[str]
    opinion_verbs: frozenset[str]
    campaign_nouns: frozenset[str]
    party_anaphora: re.Pattern

    WINDOWS = ("conflict_story_sentences", "sentences_per_grounded", "short_text_chars", "short_text_sentences",
               "legal_frame_chars", "old_month_days", "lede_sentences")

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE, raw: Optional[dict] = None) -> "GateRules":
        d, en = read_rules("gate.yaml", {
            "windows": Key(dl.record({k: Key(dl.integer, True) for k in cls.WINDOWS}), True),
        }, {**{k: Key(rx, True) for k in ("armed_people", "violence", "benign", "legal_frame", "analyst_frame",
                                           "agreement_objects", "long_ago", "habit_phrase", "diplomacy", "war_deals",
                                           "recollection", "court", "example_frame", "party_anaphora")},
            **{k: Key(words, True) for k in ("spell_units", "condition_classes", "condition_onsets", "count_nouns",
                                             "opinion_verbs", "campaign_nouns", "quantifiers", "habitual", "negating", "modals", "audience_verbs",
                                             "person_nouns", "discovery_verbs", "found_remains", "party_types",
                                             "weapon_nouns", "weapon_events", "weapon_hold_verbs", "weapon_hold_nouns", "munitions",
                                             "state_preps", "former", "setting_nouns", "concessive",
                                             "plan_verbs", "verdicts")}},
            lang, raw)
        return cls(windows=d["windows"], **en)


# ----------------------------------------------------------------------------- all of them
@dataclass(frozen=True)
class Rules:
    """Every rule file of the coder for one language, loaded once."""

    language: str
    coder: CoderRules
    detector: DetectorRules
    dates: DateRules
    fatalities: FatalityRules
    places: PlaceRules
    gate: GateRules

    @classmethod
    def load(cls, lang: str = DEFAULT_LANGUAGE) -> "Rules":
        return _load(lang)


@lru_cache(maxsize=None)
def _load(lang: str) -> Rules:
    return Rules(lang, CoderRules.load(lang), DetectorRules.load(lang), DateRules.load(lang),
                 FatalityRules.load(lang), PlaceRules.load(lang), GateRules.load(lang))


def default_rules() -> Rules:
    """The rules of the default language (read once per process)."""
    return _load(DEFAULT_LANGUAGE)

