"""The index on disk: schema, opening and locking, writers and the stored record."""
