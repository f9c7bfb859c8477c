"""Serving from OpenSearch: publish a newsfacet index to a cluster and search it there.

``opensearch-py`` (``pip install 'newsfacet[opensearch]'``) is imported on first use, so
importing this package costs nothing when the backend is not used.
"""
