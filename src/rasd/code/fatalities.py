"""Fatality and injury counts from sentences, with ACLED's conservative reading.

Numbers are digits or number words ("two", "twenty-one", "a dozen"); vague plurals get
fixed low values ("dozens" = 12, "hundreds" = 100, "several" = 10 as ACLED codes
unknown plural counts). Killed and wounded are counted apart. Within a sentence the
distinct victim groups add up; across the sentences of one event the largest figure wins
(tolls are updated, not added). ACLED-style notes that state the coded figure
("fatalities coded as 10") are read as such.
"""
from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Iterator, Optional

_UNITS = {"zero": 0, "no": 0, "one": 1, "a": 1, "an": 1, "single": 1, "two": 2, "three": 3, "four": 4, "five": 5,
          "six": 6, "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13,
          "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17, "eighteen": 18, "nineteen": 19}
_TENS = {"twenty": 20, "thirty": 30, "forty": 40, "fifty": 50, "sixty": 60, "seventy": 70, "eighty": 80, "ninety": 90}
_VAGUE = {"dozens": 12, "a dozen": 12, "dozen": 12, "scores": 20, "hundreds": 100, "thousands": 1000,
          "several": 10, "many": 10, "numerous": 10, "a number": 10, "a number of": 10, "some": 10,
          "a few": 3, "few": 3, "a couple": 2, "a couple of": 2, "both": 2, "all": 10}

_NUMWORD = r"(?:(?:twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety)(?:[-\s](?:one|two|three|four|five|six|seven|eight|nine))?|" \
           r"zero|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|" \
           r"seventeen|eighteen|nineteen)(?:\s+hundred)?"
NUM = rf"(?:\d[\d,]*|{_NUMWORD}|dozens|a dozen|scores|hundreds|thousands|several|many|numerous|a number of|a few|a couple of|an?|one)"
_Q = r"(?:at least|more than|over|up to|around|about|nearly|almost|some|approximately|roughly|an estimated|as many as|no fewer than|a total of)\s+"
_VICTIM = r"(?:[\w'-]+\s+){0,4}?(?:people|persons?|civilians?|children|child|women|woman|men|man|fighters?|soldiers?|militants?|members?|" \
          r"troops|rebels?|personnel|policemen|policeman|officers?|officials?|residents?|protesters?|demonstrators?|" \
          r"jihadists?|insurgents?|gunmen|guards?|workers?|students?|others?|individuals?|victims?|bodies|combatants?|" \
          r"militiamen|recruits|commanders?|elements|fighters|members|family members|pilgrims|villagers?|farmers?|" \
          r"shepherds?|drivers?|journalists?|doctors?|detainees|prisoners|Kurds|Arabs|Syrians|Iraqis|Turks|Russians|" \
          r"lieutenants?|colonels?|captains?|sergeants?|generals?|majors?|brigadiers?|privates?|conscripts?|" \
          r"pilots?|medics?|paramedics?|boys?|girls?|babies|baby|infants?|teenagers?|youths?|elders?|leaders?|chiefs?)"
_KILL = r"(?:killed|dead|died|killing|deaths?|lost their lives|were slain|slain|massacred|executed|shot dead|perished|fatalities)"
_SINGLE_KILL = r"(?:(?:shot|stabbed|beaten|tortured|attacked)\s+and\s+killed|killed|assassinated|shot dead|murdered|executed|" \
               r"(?:stabbed|beaten|burned|tortured|shot)\s+to\s+death)"
_HURT = r"(?:wounded|injured|hurt|injuring|wounding|injuries|casualties)"

_PATTERNS = [
    # "killed 5 people", "killing at least 31 civilians"
    ("kill", re.compile(rf"\b(?:killed|killing|kills|kill|executed|executing|massacred|claimed the lives of|assassinated|"
                        rf"assassinating|beheaded|shot dead|shot and killed|murdered|murdering|"
                        rf"(?:killing|deaths?|murder|assassination|execution) of)\s+(?:{_Q})?(?P<n>{NUM})\s+{_VICTIM}", re.I)),
    ("kill", re.compile(r"\b(?:killing|killed|murdering|murdered|executing|executed)\s+(?P<n>him|her)\b", re.I)),
    ("kill", re.compile(rf"\b(?:killing|killed)\s+(?:{_Q})?(?P<n>\d+|{_NUMWORD})\s+of\s+(?:the|them|their)\b", re.I)),
    ("kill", re.compile(rf"\b(?P<n>the|a|an|one)\s+(?:[\w'-]+\s+){{0,3}}?(?:body|corpse)\s+(?:of\s+[\w\s'-]{{0,60}}?)?(?:was|were|has been|had been)\s+(?:found|recovered|discovered)", re.I)),
    ("kill", re.compile(rf"\b(?P<n>the)\s+(?:[\w'-]+\s+){{0,2}}?(?:fighter|soldier|man|woman|child|boy|girl|member|officer|driver|civilian|militant)\s+(?:was|has been|had been)\s+(?:killed|shot dead)", re.I)),
    # one person named by a singular noun phrase: "a security guard was shot and killed", "the head of the council
    # was assassinated", "an activist was stabbed to death"
    ("kill", _SINGLE_PASSIVE := re.compile(rf"\b(?P<n>an?|one|the)\s+(?:(?!(?:was|were|and|or|has|had|by|which|who)\b)[\w'-]+\s+){{1,6}}?(?:was|has been|had been)\s+"
                        rf"(?:reportedly\s+)?{_SINGLE_KILL}\b", re.I)),
    # "gunmen killed a civil servant", "targeted and killed a prominent lawyer"
    ("kill", _SINGLE_ACTIVE := re.compile(rf"\b(?:killed|killing|assassinated|assassinating|murdered|murdering|shot dead|stabbed to death)\s+"
                        rf"(?P<n>an?|one)\s+(?!number\b|few\b|couple\b|dozen\b|total\b)[\w'-]+", re.I)),
    # "5 people were killed", "at least 31 civilians died", "two dead"
    ("kill", re.compile(rf"\b(?:{_Q})?(?P<n>{NUM})\s+(?:{_VICTIM}\s+)?(?:(?:were|was|have been|had been|being|are|got|reportedly|were reportedly|reported)\s+)*{_KILL}", re.I)),
    ("kill", re.compile(rf"\b(?:killing|killed|kills)\s+(?:{_Q})?(?P<n>\d[\d,]*|{_NUMWORD})\b(?=\s*(?:[.,;]|and\b|$))", re.I)),
    ("kill", re.compile(rf"\b(?:death toll|toll|fatalities|dead)\s+(?:\w+\s+){{0,3}}?(?:to|of|at|reached|stood at|is|was)\s+(?:{_Q})?(?P<n>{NUM})\b", re.I)),
    ("hurt", re.compile(rf"\b(?:wounded|wounding|injured|injuring|injuries to)\s+(?:{_Q})?(?P<n>{NUM})\s+{_VICTIM}", re.I)),
    ("hurt", re.compile(rf"\b(?:{_Q})?(?P<n>{NUM})\s+(?:{_VICTIM}\s+)?(?:(?:were|was|have been|had been|being|are|others)\s+)*{_HURT}", re.I)),
]
_CODED = re.compile(rf"\bfatalities\s+(?:were\s+)?(?:coded|recorded|reported)\s+(?:as|to|at)\s+(?P<n>{NUM})\b|"
                    rf"\bcoded\s+(?P<n4>\d+)\s+to\s+each\b|\b(?P<n5>\d+)\s+fatalit(?:y|ies)\s+coded\s+to\s+each\b|"
                    rf"\bwith\s+(?P<n2>{NUM})\s+coded\s+to\s+each\b|\b(?P<n3>{NUM})\s+fatalities\s+(?:coded|allocated)\b(?!\s+\d)", re.I)
_NONE = re.compile(r"\b(?:no|neither|without)\s+(?:\w+\s+){0,2}(?:fatalities|casualties|deaths|injuries|one was killed)|"
                   r"\bno (?:reported )?(?:casualties|fatalities|deaths)|\bno one was (?:killed|hurt|injured)|nobody was killed|no causalities", re.I)


_ANY = re.compile(r"kill|dead|die|death|toll|fatalit|casualt|causalit|injur|wound|hurt|slain|execut|massacr|perish|"
                  r"lost their lives|coded|assassin|behead|murder|body|bodies|corpse|shot dead", re.I)


# A report's own statement of the figure it codes for each event (ACLED-style notes):
# "fatalities coded as 10", "1 fatality coded to each", "total fatalities 26 split between 7 locations".
_DOC_SPLIT = re.compile(r"\bfata?l?ities\s+(?P<total>\d+)\s+split\s+between\s+(?:the\s+)?(?P<parts>\d+|two|three|four|five|six|seven|eight|nine|ten)\s+"
                        r"(?:locations|events|areas|places|villages)|\bsplit,?\s+(?P<each>\d+)\s+each\b", re.I)


_EACH = re.compile(r"\b(?:with\s+)?(?P<n>\d+)\s+(?:fatalit(?:y|ies)\s+)?coded\s+to\s+each\b|\bcoded\s+(?P<n_>\d+)\s+to\s+each\b", re.I)


_MONTHS = r"(?:jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sep(?:t(?:ember)?)?|" \
          r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)\b\.?"
_DATE_BEFORE = re.compile(rf"(?<!\d )\b{_MONTHS}\s+$", re.I)
_YEAR_BEFORE = re.compile(rf"(?:\b{_MONTHS}\s+\d{{1,2}}(?:st|nd|rd|th)?|\b\d{{1,2}}(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}|\bin)\s*,?\s+$", re.I)
_DATE_AFTER = re.compile(rf"(?:st|nd|rd|th)?\s+(?:of\s+)?{_MONTHS}(?=\W)|,?\s+(?:19|20)\d\d\b", re.I)
_OR_HURT = re.compile(r"\s+(?:or|and/or)\s+(?:\w+\s+)?(?:injured|wounded|hurt)\b", re.I)
_HURT_OR = re.compile(r"\b(?:injured|wounded|hurt)\s+or\s+$", re.I)


def parse_number(text: str) -> Optional[int]:
    t = re.sub(r"\s+", " ", text.lower().strip())
    for q in ("at least ", "more than ", "over ", "up to ", "around ", "about ", "nearly ", "almost ", "some "):
        if t.startswith(q) and t != q.strip():
            t = t[len(q):]
    if re.fullmatch(r"\d[\d,]*", t):
        return int(t.replace(",", ""))
    if t in _VAGUE:
        return _VAGUE[t]
    if t in _UNITS:
        return _UNITS[t]
    if t in ("him", "her", "the"):
        return 1
    m = re.fullmatch(r"(\w+)(?:[-\s](\w+))?(?: hundred)?", t)
    if m:
        total = _TENS.get(m.group(1), _UNITS.get(m.group(1)))
        if total is None:
            return None
        if m.group(2):
            total += _UNITS.get(m.group(2), 0)
        if t.endswith(" hundred"):
            total *= 100
        return total
    return None


@dataclass
class Count:
    kind: str  # "kill" | "hurt" | "coded" | "none"
    value: int
    start: int
    end: int
    text: str


class FatalityCounter:
    """Finds killed / wounded figures in a sentence (offsets relative to ``base``)."""

    def find(self, text: str, base: int = 0) -> list[Count]:
        out: list[Count] = []
        if not _ANY.search(text):
            return out
        spans: list[tuple[int, int]] = []
        m = _CODED.search(text)
        if m:
            n = parse_number(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4") or m.group("n5"))
            if n is not None:
                out.append(Count("coded", n, base + m.start(), base + m.end(), m.group(0)))
        for kind, pat in _PATTERNS:
            pos = 0
            while (m := pat.search(text, pos)) is not None:
                pos = m.end()
                if any(m.start() < b and m.end() > a for a, b in spans):
                    continue
                n = parse_number(m.group("n"))
                if n is None:
                    continue
                if _DATE_BEFORE.search(text, 0, m.start("n")) or _DATE_AFTER.match(text, m.end("n")) or \
                        (re.fullmatch(r"(?:19|20)\d\d", m.group("n")) and _YEAR_BEFORE.search(text, 0, m.start("n"))):
                    pos = m.end("n")  # "On Feb 24 gunmen killed ...", "on 3 March ...": a day of the month, not a count
                    continue
                if kind == "kill" and (_OR_HURT.match(text, m.end()) or _HURT_OR.search(text, 0, m.start())):
                    continue  # "killed or injured": no figure for the dead alone, ACLED codes none
                # "a regime fighter" / "an explosion": the article only counts before a victim noun
                if m.group("n").lower() in ("a", "an") and pat not in (_SINGLE_PASSIVE, _SINGLE_ACTIVE) and \
                        not re.search(_VICTIM, m.group(0)[2:], re.I):
                    continue
                spans.append(m.span())
                out.append(Count(kind, n, base + m.start(), base + m.end(), m.group(0)))
        if not out:
            m = _NONE.search(text)
            if m:
                out.append(Count("none", 0, base + m.start(), base + m.end(), m.group(0)))
        return out


def stated_figure(text: str) -> Optional[Count]:
    """The per-event figure a report says it codes, if it says so (else None)."""
    if "coded" not in text and "split" not in text and "allocated" not in text:
        return None
    m = _EACH.search(text)
    if m:
        return Count("coded", int(m.group("n") or m.group("n_")), m.start(), m.end(), m.group(0))
    m = _DOC_SPLIT.search(text) or _CODED.search(text)
    if m and m.re is _CODED:
        n = parse_number(m.group("n") or m.group("n2") or m.group("n3") or m.group("n4") or m.group("n5"))
        return Count("coded", n, m.start(), m.end(), m.group(0)) if n is not None else None
    if m:
        if m.group("each"):
            n = int(m.group("each"))
        else:
            parts = parse_number(m.group("parts")) or 1
            n = int(int(m.group("total")) / parts + 0.5)
        return Count("coded", n, m.start(), m.end(), m.group(0))
    return None


def total(counts: list[list[Count]], kind: str) -> Optional[int]:
    """Sum within a sentence, max across sentences; a coded figure wins; 'none' gives 0."""
    flat = [c for cs in counts for c in cs]
    coded = [c.value for c in flat if c.kind == "coded"]
    if kind == "kill" and coded:
        return coded[-1]
    best: Optional[int] = None
    for cs in counts:
        s = sum(c.value for c in cs if c.kind == kind)
        if any(c.kind == kind for c in cs):
            best = s if best is None else max(best, s)
    if best is None and any(c.kind == "none" for c in flat):
        return 0
    return best


# An allocation list in a report that splits one toll between its events by place:
# "3 fatalities allocated as follows: 2 Harbal, 1 Sheikh Isa", "with 12 coded to A, 11 to B, and 11 C",
# "coded 6 to each of the following locations: A, B and 5 to C", "total fatalities in A coded to 8".
_ALLOC_CUE = re.compile(r"\b(?:allocated|split|distributed|coded)\b", re.I)
_ALLOC_NUM = re.compile(r"(?<![\w.-])(\d{1,4})(?![\w.-])")
_PLACE_NAME = re.compile(r"\b[A-Z][\w'-]*(?:\s+(?:(?:al|el|ad|as|ar|an|at|ash|az|ibn|bin)\b|[A-Z][\w'-]*))*")
_THIS_PLACE = re.compile(r"\bcoded\s+(?:to|as|at)\s+(?P<n>\d+)\s+(?:at|in|for)\s+(?:that|this)\s+(?:location|place|town|village|area)\b", re.I)
_DEAD_WORDS = re.compile(r"\b(?:people|persons?|civilians?|children|fighters?|soldiers?|militants?|members?|troops|rebels?|"
                         r"personnel|killed|died|dead|wounded|injured)\b", re.I)
_PLACE_OWN = re.compile(r"\bfatalities\s+in\s+(?:the\s+)?(?:\w+\s+of\s+)?(?P<name>[A-Z][^,.;]{1,40}?)\s+(?:were\s+)?coded\s+(?:to|as|at)\s+(?P<n>\d+)\b")
_NOT_PLACES = {"total", "the", "in", "and", "with", "clashes", "fatalities", "remaining", "a", "an", "during", "amid"}


def _alloc_groups(sentence: str) -> list[tuple[int, list[str], int]]:
    """(figure, place names, offset) for each figure of an allocation sentence that is followed by names."""
    nums = list(_ALLOC_NUM.finditer(sentence))
    out = []
    for k, m in enumerate(nums):
        seg = sentence[m.end(): nums[k + 1].start() if k + 1 < len(nums) else len(sentence)]
        names = [n.group(0) for n in _PLACE_NAME.finditer(seg) if n.group(0).split()[0].lower() not in _NOT_PLACES]
        if not names or _DEAD_WORDS.search(seg):
            continue  # "17 QSD fighters were killed": a count of the dead, not a share of the toll
        out.append((int(m.group(1)), names, m.start()))
    return out


def _position(name: str, text: str) -> Optional[int]:
    i = text.lower().find(name.lower())
    if i >= 0:
        return i
    if len(name) < 5:
        return None
    from rapidfuzz import fuzz

    al = fuzz.partial_ratio_alignment(name.lower(), text.lower())
    return al.dest_start if al is not None and al.score >= 88 else None


def _cue_sentences(text: str) -> Iterator[tuple[int, str]]:
    """(start, text) of each period-delimited stretch holding an allocation cue, once each:
    found from the cues outwards, in time linear in the text."""
    last = -1
    for m in _ALLOC_CUE.finditer(text):
        start = text.rfind(".", 0, m.start()) + 1
        if start <= last:
            continue
        end = text.find(".", m.end())
        end = len(text) if end < 0 else end
        last = start
        yield start, text[start:end]


@functools.lru_cache(maxsize=4)
def _has_alloc_cue(text: str) -> bool:
    """Whether a text speaks of allocating a toll at all: asked once per document, not per event."""
    return _ALLOC_CUE.search(text) is not None


def allocated_figure(text: str, own_sentence: str) -> Optional[Count]:
    """The share of an allocated toll that goes to the place an event's own sentence names first."""
    if not own_sentence or not _has_alloc_cue(text):
        return None
    m = _THIS_PLACE.search(text)
    if m:
        return Count("coded", int(m.group("n")), m.start(), m.end(), m.group(0))
    for m in _PLACE_OWN.finditer(text):
        if _position(m.group("name").strip(), own_sentence) is not None:
            return Count("coded", int(m.group("n")), m.start(), m.end(), m.group(0))
    best: Optional[tuple[int, Count]] = None
    for s_start, seg in _cue_sentences(text):
        groups = _alloc_groups(seg)
        if len(groups) < 2:
            continue
        for n, names, off in groups:
            for name in names:
                pos = _position(name, own_sentence)
                if pos is not None and (best is None or pos < best[0]):
                    start = s_start + off
                    best = (pos, Count("coded", n, start, start + len(str(n)), name))
    return best[1] if best else None
