#!/usr/bin/env python3
"""Search relevance on a judged query set: precision@5 and mean reciprocal rank.

Each judged query names the articles that must come first (by id, or the start of an id).
A query is run as a user would: when it finds nothing and the index suggests a spelling
("did you mean"), the suggestion is run instead. Scores:

- precision@5: the share of the first five hits that are judged relevant, out of
  ``min(5, number judged relevant)`` (so a query with one right answer scores 1.0 when
  that answer is in the first five);
- MRR: the mean of 1 / rank of the first relevant hit (0 when none is in the first 10).

Usage (from the repository root)::

    python benchmarks/relevance.py                           # seeds/ (indexed in a temp dir)
    python benchmarks/relevance.py --index news-index        # an existing index of seeds/
    python benchmarks/relevance.py --bbc bbc-index           # also the BBC corpus, if present

The BBC part reads ``bbc-news.jsonl`` from the shared data folder at run time (it indexes
it into the ``--bbc`` folder if that holds no index yet); the data is never copied into
the repository. The tests run the seeds part with a floor.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from index import NewsfacetError, build_index  # noqa: E402
from search import NewsIndex  # noqa: E402

BBC_JSONL = Path("/work/shared/data/bbc-news/bbc-news.jsonl")
#: Hits looked at for the reciprocal rank.
DEPTH = 10
CUTOFF = 5


@dataclass(frozen=True)
class Judged:
    """One query, its filters, and the ids (or id prefixes) of the articles that must come
    first."""

    text: str
    relevant: tuple[str, ...]
    filters: dict[str, Any] = field(default_factory=dict)
    kind: str = ""


def _q(text: str, *relevant: str, kind: str = "", **filters: Any) -> Judged:
    return Judged(text, relevant, filters, kind)


SEEDS: tuple[Judged, ...] = (
    # Hyphens, dots, ampersands and apostrophes inside words.
    _q("COVID-19 pandemic", "2020-03-14-world-health", "2020-02-14-world-health",
       kind="hyphen"),
    _q("COVID-19 national emergency", "2020-03-16-us-president-trump-declares", kind="hyphen"),
    _q("SARS-CoV-2 infections", "2020-04-05-sars", "2020-04-29-sars", "2020-05-29-sars",
       kind="hyphen"),
    _q("al-Assad", "2019-10-15-kurds", "000_e2b58924", "2019-02-05-block-of-flats",
       "2019-01-23-germany-bans", "2020-01-05-united-states-military", kind="hyphen"),
    _q("Abdul-Mahdi", "2020-01-06-iraqi-parliament", "2020-01-05-united-states-military",
       kind="hyphen"),
    _q("Al-Qaeda", "2019-09-15-oil-facilities", "2019-09-17-us-president-trump-says-osama",
       kind="hyphen"),
    _q("K2-18b", "2019-09-14-astronomers", kind="hyphen"),
    _q("same-sex marriage", "2019-05-19-taiwan", kind="hyphen"),
    _q("Glawischnig-Piesczek", "2019-10-06-european-court", kind="hyphen"),
    _q("self-cleaning coating", "2019-11-21-slippery", kind="hyphen"),
    _q("anti-abortion", "2019-05-18-governor", kind="hyphen"),
    _q("PG&E", "2019-10-09-scheduled-power", "2020-06-04-power-firm", kind="ampersand"),
    _q("E. coli superbug", "2019-10-25-wash-your-hands", kind="dot"),
    _q("Washington D.C. rally", "2020-12-15-conservative-groups", "2020-11-17-violence",
       kind="dot"),
    _q("O'Rourke", "2019-11-04-orourke", kind="apostrophe"),
    _q("Norway's Warholm", "2019-10-01-norway", kind="apostrophe"),
    # Accents, typed with or without them.
    _q("Erdogan", "2019-03-31-turkey", "2019-10-15-kurds", "2020-01-11-cairo", kind="accent"),
    _q("Erdoğan Hagia Sophia", "2019-03-31-turkey", kind="accent"),
    _q("Gdansk mayor", "2019-01-14-arrest-made", kind="accent"),
    _q("Matovic", "2020-12-21-prime-minister-of-slovakia", kind="accent"),
    _q("Vucic", "2020-07-12-serbian", kind="accent"),
    _q("Kilauea", "2019-09-08-scientists", kind="accent"),
    _q("Charite hospital", "2020-08-22-russia", "2020-09-05-germany", kind="accent"),
    _q("Brudzinski", "2019-01-05-escape-room", "2019-01-14-arrest-made", kind="accent"),
    # Acronyms and short words that are names.
    _q("WHO pandemic", "2020-03-14-world-health", kind="acronym"),
    _q("UN General Assembly", "2019-09-29-fiancee", kind="acronym"),
    _q("EU Facebook", "2019-10-06-european-court", kind="acronym"),
    _q("NASA", "2019-09-08-scientists", "2020-05-31-spacex", "2019-03-05-spacex",
       kind="acronym"),
    _q("US House impeachment", "2019-12-21-us-house", "2019-11-01-u-s-house",
       "2019-09-25-us-speaker", "2020-01-15-u-s-house", kind="acronym"),
    # Phrases.
    _q('"state of emergency"', "2019-07-12-louisiana", "2020-01-01-samoan",
       "2019-01-07-president-trump", "2019-02-21-sixteen-states", kind="phrase"),
    _q('"Hong Kong" police', "2019-06-23-hong-kong", "2019-10-02-police-shoot",
       "2019-08-19-hong-kong", "2019-10-16-hong-kong", kind="phrase"),
    _q('"Hurricane Dorian"', "2019-09-01-hurricane", "2019-09-05-hurricane", kind="phrase"),
    _q('"gold toilet"', "2019-09-18-arrests", kind="phrase"),
    # Misspellings: the suggestion is followed when nothing matches.
    _q("Soleimany", "2020-01-05-united-states-military", "2020-01-09-stampede",
       kind="misspelling"),
    _q("Kipchoge marathn", "2019-10-13-eliud", kind="misspelling"),
    _q("coronavirsu Germany", "2020-01-28-german", kind="misspelling"),
    # Entity filters and fields.
    _q("", "2020-08-22-russia", "2020-09-05-germany", people=["Navalny"], kind="filter"),
    _q("earthquake", "2019-07-15-earthquake", "2019-10-22-aftershocks",
       countries=["Philippines"], kind="filter"),
    _q("fire", "2019-01-05-escape-room", countries=["Poland"], kind="filter"),
    _q("person:Sanders wins", "2020-02-23-bernie", "2020-02-14-2020-united-states",
       "2020-03-15-bernie", kind="filter"),
    _q("person:Kipch*", "2019-10-13-eliud", kind="wildcard"),
    _q("country:Bahama*", "2019-09-01-hurricane", "2019-09-05-hurricane", kind="wildcard"),
    _q("Pelosi date:2019-01", "2019-01-04-nancy-pelosi", kind="date"),
    _q("explosion date:2019-01-04", "2019-01-04-magnitogorsk", kind="date"),
    _q('Mugabe date:"9 September 2019"', "2019-09-09-longtime", kind="date"),
)

BBC: tuple[Judged, ...] = (
    _q("Kilroy-Silk UKIP", "politics-281", "politics-157", kind="hyphen"),
    _q("Wal-Mart", "entertainment-113", "business-449", "business-390", kind="hyphen"),
    _q("e-mail deletions", "politics-002", kind="hyphen"),
    _q("Jay-Z label", "entertainment-117", kind="hyphen"),
    _q("AT&T", "business-278", "business-162", "business-251", kind="ampersand"),
    _q("Ljubičić", "sport-425", "sport-433", kind="accent"),
    _q("Chávez oil", "business-340", "business-080", "business-231", kind="accent"),
    _q("EU tariff", "business-446", kind="acronym"),
    _q("UN tsunami aid", "politics-191", kind="acronym"),
    _q('"Yukos" auction', "business-314", kind="phrase"),
    _q("Blunket profile", "politics-041", kind="misspelling"),
    _q("Mourinho FA charge", "sport-231", "sport-169", kind="name"),
    _q("Dubai", "sport-425", "sport-433", people=["Federer"], kind="filter"),
    _q("shares", "business-444", people=["Khodorkovsky"], kind="filter"),
)


@dataclass(frozen=True)
class Scored:
    """One query's outcome."""

    query: Judged
    ran: str
    ids: tuple[str, ...]
    precision: float
    reciprocal_rank: float
    error: str = ""


def _relevant(doc_id: str, judged: Judged) -> bool:
    return any(doc_id.startswith(prefix) for prefix in judged.relevant)


def run_one(news: NewsIndex, judged: Judged) -> Scored:
    """Run one judged query (following a text suggestion when it finds nothing)."""
    text = judged.text
    try:
        result = news.search(text, limit=DEPTH, facets=False, **judged.filters)
        fix = next((s for s in result.suggestions if s.field == "text"), None)
        if result.total == 0 and fix is not None:
            text = fix.suggestion
            result = news.search(text, limit=DEPTH, facets=False, **judged.filters)
    except NewsfacetError as exc:
        return Scored(judged, text, (), 0.0, 0.0, str(exc))
    except Exception as exc:  # noqa: BLE001 - a crash scores 0 and is shown, not fatal
        return Scored(judged, text, (), 0.0, 0.0, f"crash: {type(exc).__name__}: {exc}")
    ids = tuple(hit.document.id for hit in result.hits)
    good = sum(_relevant(i, judged) for i in ids[:CUTOFF])
    precision = good / min(CUTOFF, len(judged.relevant))
    rank = next((n for n, i in enumerate(ids, 1) if _relevant(i, judged)), None)
    return Scored(judged, text, ids, precision, 1 / rank if rank else 0.0)


def score(news: NewsIndex, queries: Sequence[Judged]) -> tuple[float, float, list[Scored]]:
    """Mean precision@5, MRR and each query's outcome."""
    scored = [run_one(news, q) for q in queries]
    return (sum(s.precision for s in scored) / len(scored),
            sum(s.reciprocal_rank for s in scored) / len(scored), scored)


def _report(name: str, news: NewsIndex, queries: Sequence[Judged], *, verbose: bool) -> dict:
    precision, mrr, scored = score(news, queries)
    print(f"{name}: {len(queries)} queries  precision@{CUTOFF} {precision:.3f}  MRR {mrr:.3f}")
    kinds: dict[str, list[Scored]] = {}
    for s in scored:
        kinds.setdefault(s.query.kind, []).append(s)
    for kind, items in kinds.items():
        p = sum(s.precision for s in items) / len(items)
        r = sum(s.reciprocal_rank for s in items) / len(items)
        print(f"  {kind:12} {len(items):3} queries  p@{CUTOFF} {p:.2f}  MRR {r:.2f}")
    for s in scored:
        if verbose or s.reciprocal_rank < 1:
            shown = s.query.text + (f" {s.query.filters}" if s.query.filters else "")
            ran = f" (ran {s.ran!r})" if s.ran != s.query.text else ""
            print(f"    {s.precision:.2f} {s.reciprocal_rank:.2f}  {shown}{ran}"
                  f"{'  ERROR ' + s.error if s.error else ''}")
    return {"queries": len(queries), "precision_at_5": round(precision, 3),
            "mrr": round(mrr, 3)}


def _ensure(index: Path, source: Path) -> Path:
    if not (index / "newsfacet.json").exists():
        print(f"indexing {source} -> {index}", file=sys.stderr)
        build_index([source], index)
    return index


def main(argv: Sequence[str] | None = None) -> None:
    """Score the seeds query set, and the BBC set when asked."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, help="an index of seeds/ (default: build one)")
    parser.add_argument("--bbc", type=Path, help="an index of the BBC corpus (built if empty)")
    parser.add_argument("--verbose", "-v", action="store_true", help="print every query")
    parser.add_argument("--json", action="store_true", help="print the figures as JSON")
    args = parser.parse_args(argv)
    figures = {}
    with tempfile.TemporaryDirectory() as tmp:
        seeds = args.index or _ensure(Path(tmp) / "seeds", ROOT / "seeds")
        with NewsIndex(seeds) as news:
            figures["seeds"] = _report("seeds", news, SEEDS, verbose=args.verbose)
    if args.bbc is not None:
        if not BBC_JSONL.exists() and not (args.bbc / "newsfacet.json").exists():
            print(f"no BBC corpus at {BBC_JSONL}; skipped", file=sys.stderr)
        else:
            with NewsIndex(_ensure(args.bbc, BBC_JSONL)) as news:
                figures["bbc"] = _report("bbc", news, BBC, verbose=args.verbose)
    if args.json:
        print(json.dumps(figures))


if __name__ == "__main__":
    main()
