"""Counting over every match: facet columns, dates, co-mentions, near-duplicates."""
