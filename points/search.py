"""The library's search: the words people type, matched to points and routines.

The ranking runs in Python over the candidate rows (29 points today, a few
hundred at most), read in a fixed handful of queries. So SQLite and PostgreSQL
give the same results in the same order, and a staff edit to a name, lay name
or concern synonym counts at once, with no index to rebuild. PostgreSQL's
full-text search was not used: its stemmer and ranking have no SQLite twin.

How a query matches:

- Words, not the whole phrase: every word that carries meaning must be found
  somewhere in the point (names, code, lay names, meridian, area, concerns and
  their synonyms, tools, caution kinds, summary, uses, caution texts). Small
  words ("the", "of") are ignored, and words such as "pain" or "point" only
  add to the score, so "knee pain" needs "knee" but not "pain".
- Case, accents, plurals ("headaches"), and hyphens and spaces inside codes
  ("BL-23", "bl 23") do not matter; a meridian name stands for its letters
  ("Bladder 23" is BL23, "Governing Vessel 20" is GV20).
- Best first: a whole code, lay name, name or concern phrase outranks the same
  words scattered through the longer texts.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from django.db.models import OuterRef, QuerySet, StringAgg, Subquery, Value

from points.models import (
    Caution,
    Concern,
    Point,
    Routine,
    TechniqueStep,
    attach_rows,
    with_rows,
)

# Weights: a field's weight counts once per query word found in it; a phrase
# (a whole lay name, name or concern synonym) found as a run of query words
# counts three times when it is the whole query, twice when part of it.
CODE_WHOLE = 100.0  # the query is the point's code, in any spelling
CODE_PART = 20.0  # the code is one part of the query ("BL23 ball")
ALIAS = 12.0
NAME = 10.0
CONCERN = 6.0  # plus up to 6 more for a point kept for few concerns
TOOL = 5.0
MERIDIAN = 4.0
REGION = 4.0
CAUTION_KIND = 4.0
# "Avoid in pregnancy" outranks "take care in pregnancy" and any mention in text.
STRICT_CAUTION_KIND = 10.0
SUMMARY = 2.0
TEXT = 1.0  # uses, caution texts, routine introductions
PHRASE_WHOLE = 3.0
PHRASE_PART = 2.0

STOPWORDS = frozenset(
    """a an and any are as at be by can do does for from get how i if in into is it its
    me my of off on or our so that the their them then there these they this to too up
    us was what when where which who why will with you your""".split()
)
# Word forms the plural folding cannot reach.
FORMS = {
    "pregnant": "pregnancy",
    "feet": "foot",
    "calves": "calf",
    "sleeping": "sleep",
    "aching": "ache",
    "achy": "ache",
    "stressed": "stress",
    "anxious": "anxiety",
    "cramping": "cramp",
}
# Static spellings of the meridians, beyond the point's own meridian field.
MERIDIAN_NAMES = {
    "BL": ["bladder", "urinary bladder", "ub"],
    "GB": ["gallbladder", "gall bladder"],
    "GV": ["governing vessel", "du"],
    "CV": ["conception vessel", "ren"],
    "LI": ["large intestine"],
    "SI": ["small intestine"],
    "ST": ["stomach"],
    "SP": ["spleen"],
    "LR": ["liver", "lv"],
    "KI": ["kidney", "kd"],
    "LU": ["lung"],
    "HT": ["heart", "he"],
    "PC": ["pericardium", "p"],
    "TE": ["triple energizer", "triple burner", "san jiao", "sj"],
}
CODE_RE = re.compile(r"([a-z]+)(\d+)")
TOKEN_RE = re.compile(r"[a-z0-9]+")
MAX_TOKENS = 12


def _plain(text: str) -> str:
    """Lower case, accents and apostrophes dropped ("Hégu" → "hegu", "can't" → "cant")."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(ch for ch in decomposed if not unicodedata.combining(ch)).replace("'", "")


def tokens(text: str) -> list[str]:
    return TOKEN_RE.findall(_plain(text).replace("\u2019", ""))


def fold(word: str) -> str:
    """One form for a word and its plural: "headaches" and "headache" both give "headach"."""
    word = FORMS.get(word, word)
    if not word.isalpha() or len(word) <= 3:
        return word
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith(("ss", "us", "is")):
        word = word[:-1]
    if word.endswith("e") and len(word) > 3:
        word = word[:-1]
    return word


def words(text: str) -> tuple[str, ...]:
    return tuple(fold(t) for t in tokens(text) if t not in STOPWORDS)


# Words that describe rather than pick out: they add to the score but a point
# need not contain them ("knee pain" finds knee points that never say "pain").
WEAK = frozenset(
    fold(w)
    for w in """pain painful ache sore soreness stiff stiffness tight tightness tension
    relief relieve relieving help helps ease easing point pressure acupressure acupoint
    massage guide""".split()
)


@dataclass(frozen=True)
class Query:
    raw: tuple[str, ...]  # every token, for codes typed in pieces ("bl", "23")
    terms: tuple[str, ...]  # folded, small words left out
    term_at: tuple[int, ...]  # each term's position in raw
    required: frozenset[int]  # terms a result must contain

    @classmethod
    def parse(cls, text: str) -> Query:
        raw = tuple(tokens(text)[:MAX_TOKENS])
        kept = [(i, fold(t)) for i, t in enumerate(raw) if t not in STOPWORDS]
        terms = tuple(t for _, t in kept)
        required = frozenset(i for i, t in enumerate(terms) if t not in WEAK)
        return cls(
            raw=raw,
            terms=terms,
            term_at=tuple(i for i, _ in kept),
            required=required or frozenset(range(len(terms))),
        )


@dataclass
class Document:
    """One searchable thing (a point or a routine), as plain values."""

    item: object
    codes: set[str] = field(default_factory=set)
    phrases: list[tuple[float, tuple[str, ...]]] = field(default_factory=list)
    fields: list[tuple[float, frozenset[str]]] = field(default_factory=list)
    tiebreak: tuple = ()

    def add_phrases(self, weight: float, texts) -> None:
        found = [words(t) for t in texts if t]
        self.phrases += [(weight, p) for p in found if p]
        self.add_words(weight, " ".join(texts))

    def add_words(self, weight: float, text: str) -> None:
        if found := frozenset(words(text)):
            self.fields.append((weight, found))

    def score(self, query: Query) -> float:
        """The document's score for the query, or 0 when a needed word is missing."""
        covered: set[int] = set()
        total = 0.0
        raw = query.raw
        for size in range(min(len(raw), 4), 0, -1):
            for start in range(len(raw) - size + 1):
                if "".join(raw[start : start + size]) in self.codes:
                    total += CODE_WHOLE if size == len(raw) else CODE_PART
                    covered |= {
                        n for n, at in enumerate(query.term_at) if start <= at < start + size
                    }
        terms = query.terms
        for weight, phrase in self.phrases:
            if phrase == terms:
                total += weight * PHRASE_WHOLE
                covered |= set(range(len(terms)))
            elif (at := _find(phrase, terms)) is not None:
                total += weight * PHRASE_PART
                covered |= set(range(at, at + len(phrase)))
            elif len(terms) > 1 and _find(terms, phrase) is not None:
                total += weight * PHRASE_PART
                covered |= set(range(len(terms)))
        for n, term in enumerate(terms):
            hits = sum(weight for weight, found in self.fields if term in found)
            if hits:
                covered.add(n)
                total += hits
        # Rounded, so equal scores tie exactly whatever order the floats were added in.
        return round(total, 6) if query.required <= covered else 0.0


def _find(needle: tuple[str, ...], haystack: tuple[str, ...]) -> int | None:
    """Where the run of words `needle` starts inside `haystack`, if it does."""
    size = len(needle)
    for start in range(len(haystack) - size + 1):
        if haystack[start : start + size] == needle:
            return start
    return None


def rank(text: str, documents: list[Document]) -> list:
    query = Query.parse(text)
    if not query.raw:
        return []
    scored = [(doc.score(query), doc) for doc in documents]
    scored = [(s, doc) for s, doc in scored if s > 0]
    scored.sort(key=lambda pair: (-pair[0], pair[1].tiebreak))
    return [doc.item for _, doc in scored]


def code_keys(code: str, meridian: str, pinyin: str) -> set[str]:
    """Every compact spelling of a point's code: "bl23", "bladder23", "ub23"; "hegu"."""
    compact = "".join(tokens(code))
    keys = {compact, "".join(tokens(pinyin))}
    if match := CODE_RE.fullmatch(compact):
        letters, number = match.groups()
        names = [meridian, *MERIDIAN_NAMES.get(letters.upper(), [])]
        keys |= {"".join(tokens(name)) + number for name in names if name}
    return keys - {""}


SELF_CARE_ORDER = {choice: n for n, choice in enumerate(Point.SelfCare.values)}


def point_document(point: Point, tools: list[str]) -> Document:
    """Reads the point's region, concerns and cautions: prefetch them."""
    concerns = list(point.concerns.all())
    cautions = list(point.cautions.all())
    # A point kept for one or two concerns is a closer match for them than
    # one listed under many.
    concern_weight = CONCERN + CONCERN / max(len(concerns), 1)
    doc = Document(
        item=point,
        codes=code_keys(point.code, point.meridian, point.pinyin_name),
        # Among equals: points people can do themselves, then the fewest cautions.
        tiebreak=(SELF_CARE_ORDER.get(point.self_care, 9), len(cautions), point.code),
    )
    # The code whole and its parts, so "BL" alone finds every BL point.
    compact = "".join(tokens(point.code))
    code_words = {compact, *tokens(point.code)}
    if match := CODE_RE.fullmatch(compact):
        code_words.add(match.group(1))
    doc.fields.append((NAME, frozenset(code_words - {""})))
    doc.add_phrases(NAME, [point.english_name, point.pinyin_name])
    doc.add_phrases(ALIAS, point.alias_list)
    doc.add_phrases(MERIDIAN, [point.meridian])
    doc.add_words(REGION, point.region.name)
    doc.add_phrases(concern_weight, [n for c in concerns for n in (c.name, *c.synonym_list)])
    doc.add_phrases(TOOL, tools)
    for kind in sorted({c.kind for c in cautions}):
        weight = STRICT_CAUTION_KIND if kind == Caution.Kind.PREGNANCY else CAUTION_KIND
        label = Caution.Kind(kind).label if kind in Caution.Kind.values else kind
        doc.add_words(weight, label)
    doc.add_words(SUMMARY, point.summary)
    doc.add_words(TEXT, point.uses)
    doc.add_words(TEXT, " ".join(c.text for c in cautions))
    return doc


def routine_document(routine: Routine) -> Document:
    """Reads the routine's region and concerns: prefetch them."""
    concerns = list(routine.concerns.all())
    doc = Document(item=routine, tiebreak=(routine.title,))
    doc.add_phrases(NAME, [routine.title])
    doc.add_phrases(CONCERN * 2, [n for c in concerns for n in (c.name, *c.synonym_list)])
    if routine.region:
        doc.add_words(REGION, routine.region.name)
    doc.add_words(SUMMARY, routine.summary)
    doc.add_words(TEXT, routine.introduction)
    return doc


# What ranking reads of each candidate's concerns and cautions (see with_rows).
CONCERN_FIELDS = ("id", "name", "slug", "blurb", "synonyms")
POINT_ROWS = {
    "concerns": CONCERN_FIELDS,
    "cautions": ("id", "point_id", "position", "kind", "text"),
}
ROUTINE_ROWS = {"concerns": CONCERN_FIELDS}


def search_points(points: QuerySet, text: str) -> list[Point]:
    """The points of `points` that match, best first, in one query: their concerns,
    cautions and tool names come in each point's row."""
    tool_names = (
        TechniqueStep.objects.filter(point=OuterRef("pk"), tool__isnull=False)
        .order_by()
        .values("point")
        .annotate(names=StringAgg("tool__name", Value("\n")))
        .values("names")
    )
    candidates = list(
        with_rows(points.select_related("region"), POINT_ROWS).annotate(
            tool_names=Subquery(tool_names)
        )
    )
    documents = []
    for point in candidates:
        attach_rows(point, POINT_ROWS)
        tools = sorted(set((point.tool_names or "").split("\n")) - {""})
        documents.append(point_document(point, tools))
    return rank(text, documents)


def search_routines(routines: QuerySet, text: str) -> list[Routine]:
    candidates = list(with_rows(routines.select_related("region"), ROUTINE_ROWS))
    for routine in candidates:
        attach_rows(routine, ROUTINE_ROWS)
    return rank(text, [routine_document(r) for r in candidates])


def closest_concerns(text: str, concerns: list[Concern], limit: int = 3) -> list[Concern]:
    """Concerns whose name or synonyms look like what was typed, typos included."""
    typed = " ".join(tokens(text))
    terms = Query.parse(text).terms
    scored = []
    for concern in concerns:
        names = [concern.name, *concern.synonym_list]
        vocabulary = {w for name in names for w in words(name) if len(w) > 3}
        likeness = max(
            [SequenceMatcher(None, typed, " ".join(tokens(n))).ratio() for n in names]
            + [SequenceMatcher(None, t, w).ratio() for t in terms if len(t) > 3 for w in vocabulary]
        )
        if likeness >= 0.75:
            scored.append((likeness, concern))
    scored.sort(key=lambda pair: (-pair[0], pair[1].name))
    return [concern for _, concern in scored[:limit]]


def suggestions(text: str, concerns: list[Concern] | None = None) -> tuple[list[Concern], bool]:
    """For a search that found nothing: the closest concerns (True), else all of them (False).

    `concerns`: every concern, if the caller has read them already."""
    concerns = list(Concern.objects.all()) if concerns is None else concerns
    closest = closest_concerns(text, concerns)
    return (closest or concerns), bool(closest)
