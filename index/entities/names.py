"""Name helpers every entity module uses: cleaning, matching keys, grouping, display forms.

A leaf: it imports nothing of newsfacet's but the facet vocabulary and the gazetteer.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections import Counter

from index.entities import places
from index.entities.switches import enabled
from index.store.schema import Facet

#: Honorifics dropped from the front of a person's name ("Mr Marchionne" -> "Marchionne").
HONORIFICS = frozenset({"mr", "mrs", "ms", "miss", "mx", "dr", "prof", "professor", "sir",
                        "dame", "lord", "lady", "madam", "mme", "m", "herr", "frau"})
#: Titles of office dropped from the front of a person's name when a name follows
#: ("President Bill Clinton" -> "Bill Clinton", "Councillor Jan Smith" -> "Jan Smith").
#: Royal and religious styles stay: "Prince Harry" is how that person is named.
TITLES = frozenset({
    "president", "vice", "prime", "premier", "chancellor", "minister", "secretary", "senator",
    "sen", "congressman", "congresswoman", "rep", "representative", "governor", "gov", "mayor",
    "councillor", "councilman", "councilwoman", "ambassador", "commissioner", "judge",
    "justice", "gen", "colonel", "col", "maj", "captain", "capt", "lieutenant", "lt",
    "sergeant", "sgt", "admiral", "adm", "commander", "cmdr", "officer", "detective",
    "inspector", "constable", "sheriff", "chairman", "chairwoman", "spokesman", "spokeswoman",
    "coach", "manager", "striker", "midfielder", "defender", "goalkeeper", "skipper", "deputy",
    "acting", "former", "mp", "mep",
})
#: Legal forms of companies, in the languages of business news: "Acme Corp" and "ACME" are
#: one organization (see :func:`group_key`), and a legal form alone names none.
_LEGAL_FORMS_TEXT = (
    "inc incorporated corp corporation co cos company ltd limited plc llc llp lp ag sa nv bv "
    "gmbh kg kgaa spa srl sarl sas cie ab asa as oy oyj kk pty bhd tbk se"
)
LEGAL_FORMS = frozenset(_LEGAL_FORMS_TEXT.split())
#: Names of the rules kept in this module (listed in :mod:`index.entities.rules`).
LEGAL_FORM_GROUPS = "legal_forms_belong_to_the_name"
SHOUTED_DISPLAY = "shouted_names_shown_as_written"
LONE_SURNAMES = "lone_surnames_are_the_corpus_full_name"
_QUOTES = "\"'`´‘’‚‛“”„‟«»‹›"
_POSSESSIVE = re.compile(r"(?<=\w)['’`´]s?$")
_EDGE_JUNK = re.compile(r"^[\s\W_]+|[\s\W_]+$")
_SPACES = re.compile(r"\s+")
#: Names cached by the string functions below: renormalising a corpus calls them millions
#: of times on far fewer distinct names (profiled: two thirds of the run before caching).
_CACHE_SIZE = 1 << 17

@functools.lru_cache(maxsize=_CACHE_SIZE)
def clean_name(text: str) -> str:
    """Light surface clean-up of an entity mention.

    Strips stray quotes and edge punctuation, a leading "the", a possessive "'s", commas
    and extra white space: ``“the Pentagon's`` -> ``Pentagon``. Idempotent.
    """
    previous = None
    name = unicodedata.normalize("NFC", text)
    while name != previous:
        previous = name
        name = _SPACES.sub(" ", name.replace(",", " ")).strip()
        name = name.strip(_QUOTES)
        name = _POSSESSIVE.sub("", name)
        name = _EDGE_JUNK.sub(lambda m: _keep_dots(m.group(0)), name)
        if name[:4].lower() == "the " and len(name) > 4:
            name = name[4:]
    return name


def _keep_dots(junk: str) -> str:
    # "U.S." must keep its final dot; other trailing punctuation goes.
    return "." if junk.startswith(".") and not junk.strip(".") else ""


@functools.lru_cache(maxsize=_CACHE_SIZE)
def name_key(text: str) -> str:
    """Matching key of a name: cleaned, accent-free, case-folded (``Sérgei`` ~ ``sergei``)."""
    decomposed = unicodedata.normalize("NFKD", clean_name(text))
    plain = "".join(c for c in decomposed if not unicodedata.combining(c))
    return _SPACES.sub(" ", plain.replace(".", " ").replace("-", " ")).strip().casefold()


@functools.lru_cache(maxsize=_CACHE_SIZE)
def clean_person(text: str) -> str:
    """A person's name without honorifics (``Mr. John Kirby`` -> ``John Kirby``)."""
    words = clean_name(text).split()
    while len(words) > 1 and (words[0].rstrip(".").lower() in HONORIFICS or (
            words[0].rstrip(".").lower() in TITLES and words[1][:1].isupper())):
        words = words[1:]
    return " ".join(words)


def group_key(facet: Facet, name: str) -> str:
    """What makes two names of a facet one entity: a country's canonical name for a place
    that names a country ("US" ~ "United States"), an organization's name without its legal
    form ("Acme Corp" ~ "ACME"), else the :func:`name_key`."""
    if facet is Facet.PLACES:
        country = places.country_for_name(name)
        if country is not None:
            return f"country:{country}"
    if facet is Facet.ORGANIZATIONS and enabled(LEGAL_FORM_GROUPS):
        return without_legal_form(name_key(name))
    return name_key(name)


def without_legal_form(key: str) -> str:
    """A name key without the legal forms that end it (``vantor industries inc`` ->
    ``vantor industries``); a key that is nothing else stays as it is."""
    words = key.split()
    end = len(words)
    while end > 1 and words[end - 1] in LEGAL_FORMS:
        end -= 1
    return " ".join(words[:end])


def best_form(forms: Counter[str], facet: Facet) -> str:
    """The display form of one entity among its spellings: the most frequent, mixed case
    before ALL CAPS, then a country's canonical name, then the first seen."""
    order = {form: i for i, form in enumerate(forms)}

    def rank(form: str) -> tuple[int, int, int, int]:
        shouted = form.isupper() and len(form) > 4
        canonical = facet is Facet.PLACES and places.country_for_name(form) == form
        return (shouted, -forms[form], not canonical, order[form])

    best = min(forms, key=rank)
    if enabled(SHOUTED_DISPLAY) and facet is not Facet.ORGANIZATIONS and best.isupper() \
            and len(best) > 4 \
            and places.country_for_name(best) is None:
        # Only ever seen shouted (a headline, a dateline): people and places are shown as
        # names are written ("HOUSTON" -> "Houston"); organizations may be acronyms.
        return " ".join(w if "." in w else w.title() for w in best.split())
    return best
