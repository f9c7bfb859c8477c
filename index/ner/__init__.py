"""Named-entity recognition: the spaCy pipeline, casing, the worker pool and the NER cache."""
