"""Fatality and injury counts from sentences, with ACLED's conservative reading.

Numbers are digits or number words ("two", "twenty-one", "a dozen"); vague plurals get
fixed low values ("dozens" = 12, "hundreds" = 100, "several" = 10 as ACLED codes
unknown plural counts). Killed and wounded are counted apart. Within a sentence the
distinct victim groups add up; across the sentences of one event the largest figure wins
(tolls are updated, not added). ACLED-style notes that state the coded figure
("fatalities coded as 10") are read as such.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Iterator, Optional

from .rules import FatalityRules, default_rules


@dataclass
class Count:
    kind: str  # "kill" | "hurt" | "coded" | "none"
    value: int
    start: int
    end: int
    text: str
    alt: bool = False  # a figure another source gives: counted only when no other is stated


class FatalityCounter:
    """Finds killed / wounded figures in a sentence (offsets relative to ``base``), and the figures
    a report says it codes. Built once with the rules of a language (``code/data/fatalities.yaml``)."""

    def __init__(self, rules: Optional[FatalityRules] = None):
        self.rules = rules if rules is not None else default_rules().fatalities
        self._cue: Optional[tuple[str, bool]] = None  # (text, has an allocation cue) of the last text asked
        self._stated_memo: Optional[tuple[str, dict]] = None  # (text, what _memo holds of it) of the last text asked

    def at_least(self, text: str) -> bool:
        """Whether a figure read from these words is a minimum ("hundreds", "more than 20")."""
        t = " ".join(text.lower().split())
        return any(t == w or t.startswith(w + " ") for w in self.rules.at_least)

    def parse_number(self, text: str) -> Optional[int]:
        r = self.rules
        t = re.sub(r"\s+", " ", text.lower().strip())
        for q in r.qualifiers:
            q += " "
            if t.startswith(q) and t != q.strip():
                t = t[len(q):]
        if re.fullmatch(r"\d[\d,]*", t):
            return int(t.replace(",", ""))
        if t in r.vague:
            return r.vague[t]
        if t in r.units:
            return r.units[t]
        if t in r.pronouns:
            return 1
        m = r.compound_number.fullmatch(t)
        if m:
            total = r.tens.get(m.group(1), r.units.get(m.group(1)))
            if total is None:
                return None
            if m.group(2):
                total += r.units.get(m.group(2), 0)
            if t.endswith(" " + r.hundred):
                total *= 100
            return total
        return None

    def find(self, text: str, base: int = 0) -> list[Count]:
        r = self.rules
        out: list[Count] = []
        if not r.prefilter.search(text):
            return out
        spans: list[tuple[int, int]] = []
        coded = self._stated(text, ("event", "coded"))
        if coded is not None:
            out.append(Count("coded", coded.value, base + coded.start, base + coded.end, coded.text))
        definite = []  # counts of "the <someone>": the same victim as another count of the sentence
        for kind, pat, one_victim, coordinated, coordinated_before in r.counts:
            pos = 0
            while (m := pat.search(text, pos)) is not None:
                pos = m.end()
                g = "n" if m.group("n") is not None else "n2"  # a range's lowest figure may sit in `n2`
                if any(m.start() < b and m.end() > a for a, b in spans):
                    continue
                n = self.parse_number(m.group(g))
                if n is None:
                    continue
                if self._date_number(text, m.start(g), m.end(g)):
                    pos = m.end(g)  # "On Feb 24 gunmen killed ...", "on 3 March ...": a day of the month, not a count
                    continue
                if kind == "kill" and (r.or_hurt.match(text, m.end()) or r.hurt_or.search(text, 0, m.start())):
                    continue  # "killed or injured": no figure for the dead alone, ACLED codes none
                # "a regime fighter" / "an explosion": the article only counts before a victim noun
                if m.group(g).lower() in r.articles and not one_victim and not r.victim.search(m.group(0)[2:]) \
                        and not (coordinated_before and text[:m.start()].endswith("and ")):
                    continue
                spans.append(m.span())
                if kind == "kill" and (r.grievance.search(text, 0, m.start()) or r.aggregate_after.search(text[m.end():])
                                       or r.part_after.match(text[m.end(g):])):
                    continue  # the killing a protest denounces, or a sum over several events: not this event's toll
                alt = self._alternative(text, m.start(), m.group(0))
                out.append(Count(kind, n, base + m.start(), base + m.end(), m.group(0), alt))
                if m.group(g).lower() == "the":
                    definite.append(out[-1])
                more = (self._coordinated_before(text, m.start(), spans) if coordinated_before else []) + \
                    (self._coordinated_after(text, m.end(), spans) if coordinated else [])
                out += [Count(kind, k, base + a, base + b, t, alt) for k, a, b, t in more]
        if definite and len([c for c in out if c.kind == "kill"]) > len(definite):
            out = [c for c in out if not any(c is d for d in definite)]
        if not out:
            m = r.none.search(text)
            if m:
                out.append(Count("none", 0, base + m.start(), base + m.end(), m.group(0)))
        return out

    def _coordinated_before(self, text: str, start: int, spans: list) -> list[tuple[int, int, int, str]]:
        """(figure, start, end, words) of the victims listed before a count ("one soldier and two assailants
        were killed"): the last joined by "and", the ones before by commas."""
        r, out, first = self.rules, [], True
        while (m := r.and_before.search(text, max(0, start - 80), start)) is not None:
            k = self.parse_number(m.group("n"))
            if (first and "and" not in m.group("sep")) or k is None or self._date_number(text, m.start("n"), m.end("n")) \
                    or ((len(m.group(0).split()) > 4 or m.group("n").lower() in r.articles) and not r.victim_word.search(m.group(0))) \
                    or any(m.start("n") < b and m.end() > a for a, b in spans):
                break
            out.append((k, m.start("n"), m.end(), m.group(0).strip()))
            spans.append((m.start("n"), m.end()))
            start, first = m.start("n"), False
        return out

    def _coordinated_after(self, text: str, end: int, spans: list) -> list[tuple[int, int, int, str]]:
        """(figure, start, end, words) of the victims listed after a count ("killing 3 police officers and 6
        special police officers")."""
        r, out = self.rules, []
        while (m := r.and_more.match(text, end)) is not None:
            k = self.parse_number(m.group("n"))
            if k is None or self._date_number(text, m.start("n"), m.end("n")):
                break
            out.append((k, m.start("n"), m.end(), m.group(0).strip()))
            spans.append((m.start("n"), m.end()))
            end = m.end()
        return out

    def _alternative(self, text: str, start: int, own: str) -> bool:
        """Whether a figure is one another source gives: its clause (since the last ; . ( [) or its own
        words say so ("some sources put the toll at 29", "as many as 200")."""
        clause = max(text.rfind(c, 0, start) for c in ";.([") + 1
        return bool(self.rules.alternative.search(text, clause, start) or self.rules.alternative.match(own))

    def _date_number(self, text: str, a: int, b: int) -> bool:
        """Whether the number at text[a:b] is a day of the month or a year ("On Feb 24", "3 March", "in 2019")."""
        r = self.rules
        return bool(r.date_before.search(text, 0, a) or r.date_after.match(text, b) or
                    (r.year.fullmatch(text[a:b]) and r.year_before.search(text, 0, a)))

    def _memo(self, text: str) -> dict:
        """What was read of the last text asked (the coder asks of a document's whole text for each of its events)."""
        memo = self._stated_memo
        if memo is None or memo[0] is not text:
            memo = self._stated_memo = (text, {})
        return memo[1]

    def _stated(self, text: str, kinds: tuple[str, ...]) -> Optional[Count]:
        """The last figure a text states it codes, of the first of ``kinds`` stated (days and years are no figures)."""
        memo = self._memo(text)
        if kinds not in memo:
            memo[kinds] = self._find_stated(text, kinds)
        return memo[kinds]

    def _find_stated(self, text: str, kinds: tuple[str, ...]) -> Optional[Count]:
        for kind in kinds:
            found = None
            for k, pat in self.rules.stated:
                if k != kind:
                    continue
                for m in pat.finditer(text):
                    if self._date_number(text, m.start("n"), m.end("n")):
                        continue
                    n = self.parse_number(m.group("n"))
                    if n is not None and (found is None or m.start() > found.start):
                        found = Count("coded", n, m.start(), m.end(), m.group(0))
            if found is not None:
                return found
        return None

    def stated_figure(self, text: str, counted: Optional[int] = None) -> Optional[Count]:
        """The per-event figure a report says it codes, if it says so (else None): the figure it gives
        this event, else its share of a toll split between events (the stated total, else the coded or
        ``counted`` one, divided and rounded), else the last figure it says it codes."""
        r = self.rules
        memo = self._memo(text)
        if "cue" not in memo:
            low = text.lower()
            memo["cue"] = any(c in low for c in r.stated_cues)
        if not memo["cue"]:
            return None
        fig = self._stated(text, ("event",))
        if fig is not None:
            return fig
        coded = self._stated(text, ("coded",))
        if "split" not in memo:
            memo["split"] = [pat.search(text) for k, pat in r.stated if k == "split"]
        for m in memo["split"]:
            if m is None:
                continue
            parts = m.group("parts").lower()
            parts = int(parts) if parts.isdigit() else r.split_parts.get(parts)
            whole = int(m.group("total").replace(",", "")) if m.group("total") else \
                (coded.value if coded is not None else counted)
            if parts and whole is not None:
                return Count("coded", int(whole / parts + 0.5), m.start(), m.end(), m.group(0))
        return coded

    # An allocation list in a report that splits one toll between its events by place:
    # "3 fatalities allocated as follows: 2 Harbal, 1 Sheikh Isa", "with 12 coded to A, 11 to B, and 11 C",
    # "coded 6 to each of the following locations: A, B and 5 to C", "total fatalities in A coded to 8".
    def allocated_figure(self, text: str, own_sentence: str) -> Optional[Count]:
        """The share of an allocated toll that goes to the place an event's own sentence names first."""
        r = self.rules
        if not own_sentence or not self._has_alloc_cue(text):
            return None
        m = r.this_place.search(text)
        if m:
            return Count("coded", int(m.group("n")), m.start(), m.end(), m.group(0))
        for m in r.place_own.finditer(text):
            if self._position(m.group("name").strip(), own_sentence) is not None:
                return Count("coded", int(m.group("n")), m.start(), m.end(), m.group(0))
        best: Optional[tuple[int, Count]] = None
        for s_start, seg in self._cue_sentences(text):
            if not r.toll_words.search(seg):
                continue  # "coded to <place>": where the event is placed, no toll
            groups = self._alloc_groups(seg)
            if len(groups) < 2:
                continue
            for n, names, off in groups:
                for name in names:
                    pos = self._position(name, own_sentence)
                    if pos is not None and (best is None or pos < best[0]):
                        start = s_start + off
                        best = (pos, Count("coded", n, start, start + len(str(n)), name))
        return best[1] if best else None

    def _has_alloc_cue(self, text: str) -> bool:
        """Whether a text speaks of allocating a toll at all: looked for once per document (the
        coder asks for each of its events), not once per event."""
        seen = self._cue
        if seen is None or seen[0] is not text:
            seen = self._cue = (text, self.rules.alloc_cue.search(text) is not None)
        return seen[1]

    def _alloc_groups(self, sentence: str) -> list[tuple[int, list[str], int]]:
        """(figure, place names, offset) for each figure of an allocation sentence that is followed by names."""
        r = self.rules
        # a day or a year ("On 14 October 2024, Israeli ...") is no share of a toll
        nums = [m for m in r.alloc_number.finditer(sentence) if not self._date_number(sentence, m.start(1), m.end(1))
                and not r.year.fullmatch(m.group(1))]
        out = []
        for k, m in enumerate(nums):
            seg = sentence[m.end(): nums[k + 1].start() if k + 1 < len(nums) else len(sentence)]
            names = [n.group(0) for n in r.place_name.finditer(seg) if n.group(0).split()[0].lower() not in r.not_places]
            if not names or r.dead_words.search(seg):
                continue  # "17 QSD fighters were killed": a count of the dead, not a share of the toll
            out.append((int(m.group(1)), names, m.start()))
        return out

    def _position(self, name: str, text: str) -> Optional[int]:
        i = text.lower().find(name.lower())
        if i >= 0:
            return i
        if len(name) < self.rules.windows["min_fuzzy_name"]:
            return None
        from rapidfuzz import fuzz

        al = fuzz.partial_ratio_alignment(name.lower(), text.lower())
        return al.dest_start if al is not None and al.score >= self.rules.windows["fuzzy_score"] else None

    def _cue_sentences(self, text: str) -> Iterator[tuple[int, str]]:
        """(start, text) of each period-delimited stretch holding an allocation cue, once each:
        found from the cues outwards, in time linear in the text."""
        last = -1
        for m in self.rules.alloc_cue.finditer(text):
            start = text.rfind(".", 0, m.start()) + 1
            if start <= last:
                continue
            end = text.find(".", m.end())
            end = len(text) if end < 0 else end
            last = start
            yield start, text[start:end]


def total(counts: list[list[Count]], kind: str) -> Optional[int]:
    """Sum within a sentence, max across sentences; a coded figure wins; 'none' gives 0. Figures another
    source gives count only when no other is stated, and then the lowest (ACLED's conservative figure)."""
    flat = [c for cs in counts for c in cs]
    coded = [c.value for c in flat if c.kind == "coded"]
    if kind == "kill" and coded:
        return coded[-1]
    own = any(c.kind == kind and not c.alt for c in flat)
    best: Optional[int] = None
    for cs in counts:
        mine = [c.value for c in cs if c.kind == kind and c.alt != own]
        if mine:
            # distinct victim groups add up, unless one figure is the total of the others ("six soldiers
            # were killed: four in the raid and two in an ambush")
            s = (max(mine) if len(mine) > 2 and 2 * max(mine) == sum(mine) else sum(mine)) if own else min(mine)
            best = s if best is None else (max(best, s) if own else min(best, s))
    if best is None and any(c.kind == "none" for c in flat):
        return 0
    return best
