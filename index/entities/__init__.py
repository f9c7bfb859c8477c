"""From raw mentions to canonical entities: name helpers, mention rules, normalisation,
the corpus view, places and countries, aliases."""
