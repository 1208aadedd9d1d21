"""Does a report tell of a change of hands? The tests a territorial report must pass before it
moves a control line, read in its own sentence (patterns: ``control.report`` in fusion.yaml).

A report moves a line only when it is a *report of the change*: a finished act ("seized",
"fell", "had taken", "was overrun"), not a plan, a process or a noun ("to retake", "falling",
"its capture"); news, not background (dated near the article, no "since the regime took
Aleppo", no "in late 2016" in its clause); with the place named in the sentence as what
changed hands ("seized Homs", "Raqqa fell"), not as an area or a point of reference ("Raqqa
province", "near Damascus") nor carried over from another sentence; and with the holder named
where the taker stands ("the rebels seized", "fell to the rebels", "was captured by the
rebels"). In a withdrawal the subject leaves: it loses the place, it never gains it ("US troops
withdrew" gives the place to nobody the sentence does not name as taking it).

Positions are read from the report's evidence spans (the coder cites its sentence, trigger,
actors and place); a report without them (older stores, synthetic records) falls back to the
mention texts, and to the coder's roles when an actor cannot be found in the sentence.
"""
from __future__ import annotations

import calendar
import re
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any, Optional

from ..records import Actor, Evidence, Place, Report
from .merge import NEGATIVE
from .rules import load_data

_NEVER = r"(?!x)x"
# a word of a sentence, as the change verbs are listed (fusion.yaml control.report)
WORD = re.compile(r"[A-Za-z]+")
_ADVERB = re.compile(r"\b(?:\w+ly|also|now|then|already|just|since|finally|eventually|subsequently|reportedly)\s+$",
                     re.I)
_YEAR = re.compile(r"\b(19[5-9]\d|20\d\d)\b")
_MONTHS = {m.lower(): i for i, m in enumerate(calendar.month_name) if m}
_MONTH_YEAR = re.compile(r"\b(" + "|".join(_MONTHS) + r")\s+(?:\d{1,2},?\s+)?(19[5-9]\d|20\d\d)\b", re.I)
_NUMBER = {"two": 2, "three": 3, "four": 4, "five": 5, "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10,
           "eleven": 11, "twelve": 12, "several": 3}

TAKEOVER, WITHDRAWAL, FALL, CEDE, PASSIVE = "takeover", "withdrawal", "fall", "cede", "passive"


@dataclass
class Reading:
    """What one report says about a change of hands; ``ok`` False with ``reason`` when it says none."""

    ok: bool
    reason: str = ""
    kind: str = TAKEOVER
    gainer: Optional[Actor] = None  # None in a withdrawal: nobody named as taking the place
    loser: Optional[Actor] = None
    evidence: list[Evidence] = field(default_factory=list)  # the sentence, then the holder's words
    tells: bool = False  # not ok, but the sentence does tell of the change (it names no recognised taker)

    @classmethod
    def no(cls, reason: str) -> "Reading":
        return cls(False, reason)


@dataclass
class _Text:
    """The trigger's sentence, and where things are in it (offsets relative to the sentence)."""

    text: str
    doc_id: str
    base: Optional[int]  # raw offset of the sentence, when the report cites it
    verb: tuple[int, int]
    clause: tuple[int, int]
    opener: str


class ChangeReader:
    def __init__(self, cfg: Optional[dict[str, Any]] = None):
        if cfg is None:
            cfg = (load_data("fusion.yaml").get("control") or {}).get("report") or {}

        def rx(key: str) -> re.Pattern:
            return re.compile(cfg.get(key) or _NEVER, re.IGNORECASE)

        def words(key: str) -> frozenset[str]:
            return frozenset(w.lower() for w in cfg.get(key) or [])

        self.min_confidence = float(cfg.get("min_confidence", 0.6))
        self.news_days = int(cfg.get("news_days", 31))
        self.past_forms = words("past_forms")
        self.change_verbs = words("change_verbs")
        self.light_nouns = words("light_nouns")
        self.fall_verbs = words("fall_verbs")
        self.cede_verbs = words("cede_verbs")
        self.withdrawal_verbs = words("withdrawal_verbs")
        self.fall_not = words("fall_not")
        self.expel_verbs = words("expel_verbs")
        self.unarmed_types = words("unarmed_types")
        self.not_report, self.determiners = rx("not_report"), rx("determiners")
        self.passive_aux, self.gain_cue = rx("passive_aux"), rx("gain_cue")
        self.clause_break, self.background_opener = rx("clause_break"), rx("background_opener")
        self.old_time, self.months_ago = rx("old_time"), rx("months_ago")
        self.area_after, self.reference_before = rx("area_after"), rx("reference_before")
        self.backer_after, self.backer_before = rx("backer_after"), rx("backer_before")
        self.means_between = rx("means_between")
        self.object_relative = rx("object_relative")

    # -- the tests --------------------------------------------------------------
    def read(self, rep: Report, place: Optional[Place], published: Optional[date] = None,
             recalled: bool = False) -> Reading:
        """Whether ``rep`` reports a change of hands at ``place``; ``published`` is its article's date.
        ``recalled``: the report is a recollection dated by its own words (fuse/recall.py), read
        by every test but the one that a report must be news."""
        if rep.stance in NEGATIVE:
            return Reading.no("denied")
        conf = getattr(rep, "confidence", None)
        if conf is not None and conf < self.min_confidence:
            return Reading.no(f"coder's confidence {conf:.2f} < {self.min_confidence}")
        if place is None or rep.location is None:
            return Reading.no("no place")
        t = self._text(rep)
        if t is None:
            return Reading.no("no trigger in the sentence")
        verb = t.text[t.verb[0]:t.verb[1]].lower()
        before = self._strip_adverbs(t.text[:t.verb[0]])
        if not (verb in self.past_forms or (verb.endswith("ed") and len(verb) > 3)):
            return Reading.no(f"'{verb}' is no finished act (a noun, gerund or infinitive)")
        if self.not_report.search(before):
            return Reading.no(f"'{verb}' is planned, ongoing, hypothetical or negated")
        if self.determiners.search(before):
            return Reading.no(f"'{verb}' describes a noun")
        why = "" if recalled else self._background(t, rep, published)
        if why:
            return Reading.no(why)
        passive = bool(self.passive_aux.search(before))
        kind = (PASSIVE if passive and verb not in self.fall_verbs else
                FALL if verb in self.fall_verbs else
                WITHDRAWAL if verb in self.withdrawal_verbs else
                CEDE if verb in self.cede_verbs else TAKEOVER)
        if not self._place_named(t, place, kind, rep):
            return Reading.no("the sentence does not name the place as what changed hands")
        return self._holders(t, rep, kind, place)

    def background(self, t: _Text, when: Optional[date], precision: Optional[str], published: Optional[date]) -> str:
        """Why the clause at ``t.verb`` is background, not news ("" when it is news)."""
        return self._background(t, Report("", t.doc_id, None, "asserted", date=when, time_precision=precision),
                                published)

    def names_in_clause(self, t: _Text, place: Place) -> bool:
        """The place named in the clause of ``t.verb`` as itself (not "X province", "near X")."""
        for name in {n for n in (place.mention, place.name) if n and len(n) > 2}:
            for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", t.text, re.I):
                a, b = m.span()
                if t.clause[0] <= a and b <= t.clause[1] and not self.area_after.search(t.text[b:b + 40]) \
                        and not self.reference_before.search(t.text[max(0, a - 60):a]):
                    return True
        return False

    def _background(self, t: _Text, rep: Report, published: Optional[date]) -> str:
        clause = t.text[t.clause[0]:t.clause[1]]
        if t.opener and self.background_opener.search(t.opener) and t.text[t.clause[0]:t.verb[0]].strip():
            return f"background: a '{t.opener}' clause"
        if self.old_time.search(clause):
            return "background: its clause names a time long past"
        if published is None:
            return ""
        limit = published - timedelta(days=self.news_days)
        for m in self.months_ago.finditer(clause):
            n = int(m.group(1)) if m.group(1).isdigit() else _NUMBER.get(m.group(1).lower(), 1)
            if n * 30 > self.news_days:
                return "background: its clause names a time long past"
        for m in _MONTH_YEAR.finditer(clause):
            month, year = _MONTHS[m.group(1).lower()], int(m.group(2))
            if date(year, month, calendar.monthrange(year, month)[1]) < limit:
                return f"background: '{m.group(0)}' is long before the article"
        for m in _YEAR.finditer(clause):
            if date(int(m.group(1)), 12, 31) < limit:
                return f"background: '{m.group(0)}' is long before the article"
        if rep.date is not None:
            from .rules import date_interval

            lo, hi = date_interval(rep.date, rep.time_precision) or (rep.date, rep.date)
            if hi < limit:
                return f"dated {rep.date} ({rep.time_precision}), long before the article ({published})"
            if lo > published + timedelta(days=1):
                return f"dated {rep.date}, after the article ({published})"
        return ""

    def _place_named(self, t: _Text, place: Place, kind: str, rep: Report) -> bool:
        """The place named where what changed hands stands: after an active verb in its clause
        ("seized Homs", "withdrew from Afrin"), before a passive or "fell" ("Raqqa ... has fallen"),
        and neither an area around it ("Raqqa province") nor a point of reference ("near Damascus")."""
        verb = t.text[t.verb[0]:t.verb[1]].lower()
        for a, b in self._place_spans(t, place, rep):
            if kind in (PASSIVE, FALL):
                if b > t.verb[0]:
                    continue
            elif not (a >= t.verb[1] and b <= t.clause[1]):
                if not (kind == TAKEOVER and b <= t.clause[0] and self.object_relative.search(t.text[b:t.clause[0]])):
                    continue  # "Raqqa, which the SDF seized": the place the relative clause is about
            elif kind == TAKEOVER and verb not in self.expel_verbs and re.search(r"\bfrom\b", t.text[t.verb[1]:a], re.I):
                continue  # "entered Iraq from positions including Abu Kamal": where the taker came from
            elif self.means_between.search(t.text[t.verb[1]:a]):
                continue  # "entered the final stage by surrounding Damascus": the object of another act
            if self.area_after.search(t.text[b:b + 40]) or self.reference_before.search(t.text[max(0, a - 60):a]):
                continue
            return True
        return False

    def _holders(self, t: _Text, rep: Report, kind: str, place: Place) -> Reading:
        spans = {"actor1": self._actor_span(t, rep, "actor1"), "actor2": self._actor_span(t, rep, "actor2")}
        actors = {"actor1": rep.actor1, "actor2": rep.actor2}
        if all(s is None for s in spans.values()):
            if any(e.field in spans for e in rep.evidence):
                return Reading.no("the actors the coder cites are not in the sentence")
            return self._by_roles(t, rep, kind, place)  # nothing to read positions from: the coder's roles
        gain = [k for k, s in spans.items() if s is not None and self._in_gain_slot(t, s, kind)]
        lose = [k for k, s in spans.items() if s is not None and k not in gain and self._in_loss_slot(t, s, kind)]
        gainer = actors[gain[0]] if gain else None
        loser = actors[lose[0]] if lose else None
        if gainer is not None and (gainer.actor_type or "").lower() in self.unarmed_types:
            gainer = None  # civilians leaving with the fighters hold nothing
        if kind == WITHDRAWAL:
            if loser is None:
                return Reading.no("nobody named as leaving the place")
        elif gainer is None:
            return Reading(False, "the actor the coder gives is not the one the sentence has taking the place",
                           kind=kind, evidence=[self._evidence(t, 0, len(t.text), "sentence")], tells=True)
        ev = [self._evidence(t, 0, len(t.text), "sentence")]
        if gainer is not None:
            a, b = spans[gain[0]]  # type: ignore[misc]
            ev.append(self._evidence(t, a, b, "control:holder"))
        return Reading(True, kind=kind, gainer=gainer, loser=loser, evidence=ev)

    def _by_roles(self, t: _Text, rep: Report, kind: str, place: Place) -> Reading:
        """No actor found in the sentence: the coder's roles, with the withdrawal rule kept (the
        one leaving never gains; a foreign force in a withdrawal is the one leaving)."""
        a1, a2 = rep.actor1, rep.actor2
        if kind == WITHDRAWAL or (rep.attrs.get("kind") in ("withdrawal", "evacuation")):
            gainer, loser = a2, a1
            if gainer is not None and is_foreign(gainer, place):
                gainer = None
            if loser is None:
                return Reading.no("nobody named as leaving the place")
            kind = WITHDRAWAL
        else:
            gainer, loser = a1, a2
        if gainer is not None and (gainer.actor_type or "").lower() in self.unarmed_types:
            gainer = None
        if gainer is None and kind != WITHDRAWAL:
            return Reading.no("no taker named")
        return Reading(True, kind=kind, gainer=gainer, loser=loser, evidence=[self._evidence(t, 0, len(t.text), "sentence")])

    # -- slots --------------------------------------------------------------------
    def _in_gain_slot(self, t: _Text, span: tuple[int, int], kind: str) -> bool:
        a, b = span
        if self._backer(t, a, b):
            return False  # "forces backed by the US": the backer took nothing
        if kind == TAKEOVER:
            return b <= t.verb[0]
        if kind == PASSIVE:
            return a >= t.verb[1] and b <= t.clause[1] and self._after_word(t, a, "by")
        if kind == FALL:
            m = re.match(r"\W*((?:[\w'’-]+\s+){0,3}?)to\b", t.text[t.verb[1]:], re.I)
            if m is None or set(m.group(1).lower().split()) & self.fall_not:
                return False  # "fell victim to", "has fallen from 350 to 250": nothing fell to anyone
            return a >= t.verb[1] and b <= t.clause[1] and self._after_word(t, a, "to")
        if kind == CEDE:
            return a >= t.verb[1] and b <= t.clause[1] and self._after_word(t, a, "to")
        # a withdrawal: only one named as taking what is left ("leaving the areas under the control of X")
        return a >= t.verb[1] and bool(self.gain_cue.search(t.text[max(t.verb[1], a - 40):a]))

    def _in_loss_slot(self, t: _Text, span: tuple[int, int], kind: str) -> bool:
        a, b = span
        if kind in (WITHDRAWAL, CEDE):
            return b <= t.verb[0] and not self._backer(t, a, b)
        if kind in (TAKEOVER, PASSIVE):
            return a >= t.verb[1] and b <= t.clause[1] and self._after_word(t, a, "from")
        return False

    def _after_word(self, t: _Text, a: int, word: str) -> bool:
        """The mention at ``a`` is the object of ``word`` (up to five words between: "to US-backed
        Kurdish forces")."""
        return re.search(rf"\b{word}\s+(?:[\w'’-]+\s+){{0,5}}$", t.text[t.verb[1]:a], re.I) is not None

    def _backer(self, t: _Text, a: int, b: int) -> bool:
        return bool(self.backer_after.search(t.text[b:b + 20]) or self.backer_before.search(t.text[max(0, a - 30):a]))

    # -- where things are ------------------------------------------------------------
    def _text(self, rep: Report) -> Optional[_Text]:
        sent = rep.sentence or ""
        if not sent:
            return None
        ev = rep.evidence or []
        trig = next((e for e in ev if e.field == "sub_event_type"), None) or next(
            (e for e in ev if e.field == "event_type"), None)
        base = None
        sev = None
        if trig is not None:
            sev = next((e for e in ev if e.field == "sentence" and e.start <= trig.start and trig.end <= e.end), None)
        if sev is None:
            sev = next((e for e in ev if e.text == sent), None)
        text = sev.text if sev is not None else sent
        base = sev.start if sev is not None else None
        verb = None
        if trig is not None and base is not None and text[trig.start - base:trig.end - base] == trig.text:
            verb = (trig.start - base, trig.end - base)
        word = rep.attrs.get("trigger") if isinstance(rep.attrs.get("trigger"), str) else None
        if verb is None and word:
            m = re.search(rf"\b{re.escape(word)}\b", text, re.I)
            verb = (m.start(), m.end()) if m else None
        if verb is None:
            for m in WORD.finditer(text):
                if m.group(0).lower() in self.change_verbs:
                    verb = (m.start(), m.end())
                    break
        if verb is None:
            return None
        if text[verb[0]:verb[1]].lower() in self.light_nouns:  # "took control": the verb stands for it
            m = re.search(r"([A-Za-z]+)\s+(?:(?:full|complete|total|effective|de\s+facto|military)\s+)?$",
                          text[:verb[0]])
            if m:
                verb = (m.start(1), m.end(1))
        return self.text_at(text, rep.doc_id, base, verb)

    def text_at(self, text: str, doc_id: str, base: Optional[int], verb: tuple[int, int]) -> _Text:
        """A sentence read around the word at ``verb``: its clause and the word opening it."""
        lo, opener = 0, ""
        for m in self.clause_break.finditer(text, 0, verb[0]):
            lo, opener = m.end(), m.group(0).lower()
        m = self.clause_break.search(text, verb[1])
        hi = m.start() if m else len(text)
        return _Text(text, doc_id, base, verb, (lo, hi), opener)

    def _strip_adverbs(self, before: str) -> str:
        prev = None
        while prev != before:
            prev, before = before, _ADVERB.sub("", before)
        return before

    def _place_spans(self, t: _Text, place: Place, rep: Report) -> list[tuple[int, int]]:
        out: list[tuple[int, int]] = []
        if t.base is not None:
            out += [(e.start - t.base, e.end - t.base) for e in rep.evidence
                    if e.field == "location" and t.base <= e.start and e.end - t.base <= len(t.text)]
        for name in {n for n in (rep.location.mention if rep.location else None, place.mention, place.name,
                                 rep.location.name if rep.location else None) if n and len(n) > 2}:
            out += [(m.start(), m.end()) for m in re.finditer(rf"(?<!\w){re.escape(name)}(?!\w)", t.text, re.I)]
        # a name inside a longer cited place ("Sinjar" in "Mount Sinjar") is read as the longer one
        return sorted({s for s in out if not any(o != s and o[0] <= s[0] and s[1] <= o[1] for o in out)})

    def _actor_span(self, t: _Text, rep: Report, fld: str) -> Optional[tuple[int, int]]:
        actor: Optional[Actor] = getattr(rep, fld)
        if actor is None:
            return None
        if t.base is not None:
            for e in rep.evidence:
                if e.field == fld and t.base <= e.start and e.end - t.base <= len(t.text):
                    return e.start - t.base, e.end - t.base
        if actor.mention:
            m = re.search(rf"(?<!\w){re.escape(actor.mention)}(?!\w)", t.text, re.I)
            if m:
                return m.start(), m.end()
        return None

    def _evidence(self, t: _Text, a: int, b: int, fld: str) -> Evidence:
        base = t.base or 0
        return Evidence(t.doc_id, base + a, base + b, t.text[a:b], fld)

    # -- for the checks: is this the one withdrawing? -------------------------------------
    def withdrawer(self, sentence: str, a: int, b: int) -> bool:
        """The words at [a, b) of ``sentence`` name the party withdrawing: the subject of a
        withdrawal verb in its clause, or its object ("the withdrawal of US troops", "withdraw
        its forces")."""
        for m in WORD.finditer(sentence):
            w = m.group(0).lower()
            if w not in self.withdrawal_verbs and not w.startswith(("withdraw", "pullout", "pull-out")):
                continue
            between = sentence[b:m.start()] if b <= m.start() else sentence[m.end():a]
            if len(between) <= 60 and not self.clause_break.search(between) and (
                    b <= m.start() or re.fullmatch(r"\W*(?:of\s+)?(?:the\s+|its\s+|their\s+)?\W*", between, re.I)):
                return True
        return False


def is_foreign(actor: Optional[Actor], place: Optional[Place]) -> bool:
    """An external force, or an army whose country is not the place's."""
    if actor is None or place is None or not place.country:
        return False
    kind = (actor.actor_type or "").lower()
    if kind == "external forces":
        return True
    return kind == "state forces" and bool(actor.country) and actor.country.upper() != place.country.upper()
