"""Investigation workflows built on a search: watchlists, entity networks, saved searches."""
