"""Matching and scoring text with numpy: postings, BM25F, snippets."""
