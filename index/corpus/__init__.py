"""The corpus pass over an index: the full pass, the update, and the statistics kept.

- :mod:`index.corpus.state`: the corpus statistics and decisions an index keeps, tied to
  the index generation they describe;
- :mod:`index.corpus.full`: the full pass, streaming the stored articles round by round;
- :mod:`index.corpus.update`: an update that adds and removes a few articles' counts and
  re-normalises only the articles whose decisions changed;
- :mod:`index.corpus.documents`: reading a stored document as the pass's input, writing it
  back with its new facets.

The rounds themselves are in :mod:`index.entities.rounds`.
"""
