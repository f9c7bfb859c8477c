"""Two lanes for library calls, so that costly queries cannot starve cheap ones.

A query with wildcards, ranges or fuzzy terms may read thousands of posting lists; one
:class:`NewsIndex` runs one search at a time, so a burst of such queries used to hold every
worker and the index's lock while an ordinary search waited behind them. Here they run in a
lane of their own: a second ``NewsIndex`` over the same folder and one worker thread, while
everything else keeps the first index and its workers. Every call has a deadline from the
moment the request arrives; the library stops its own work when it passes (waiting in the
lane counts), so no search runs on after its answer was given up.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from search.engine import NewsIndex

#: Query syntax that expands to many words: wildcards, ranges, fuzzy terms.
_COSTLY = re.compile(r"[*?~\[\]{}]")
#: Worker threads of the ordinary lane and of the costly one.
CHEAP_WORKERS = 4
COSTLY_WORKERS = 1
#: Seconds past its deadline a call may take to notice it before the request stops waiting.
GRACE_S = 1.0
_T = TypeVar("_T")


def is_costly(text: str) -> bool:
    """Whether a query text holds wildcards, ranges or fuzzy terms."""
    return bool(_COSTLY.search(text))


class Lanes:
    """The ordinary and the costly lane over one index.

    Args:
        news: the index every ordinary call uses (the caller keeps ownership).
        timeout: seconds a call may take from the moment it is made.
    """

    def __init__(self, news: NewsIndex, *, timeout: float) -> None:
        self.news = news
        self.timeout = timeout
        self._costly: NewsIndex | None = None
        self._cheap_pool = ThreadPoolExecutor(CHEAP_WORKERS, thread_name_prefix="newsfacet-http")
        self._costly_pool = ThreadPoolExecutor(COSTLY_WORKERS,
                                               thread_name_prefix="newsfacet-http-costly")

    def index_for(self, text: str) -> NewsIndex:
        """The index a call on ``text`` should use: the costly lane's for wildcards and
        ranges (opened on first use), else the ordinary one."""
        if not is_costly(text):
            return self.news
        if self._costly is None:
            self._costly = NewsIndex(self.news.path)
        return self._costly

    async def call(self, fn: Callable[..., _T], *args: Any, timed: bool = True,
                   **kwargs: Any) -> _T:
        """Run ``fn`` in its lane; with ``timed``, pass it the time left as ``timeout``.

        Raises:
            TimeoutError: the call did not even start or notice its deadline in time.
        """
        deadline = time.monotonic() + self.timeout

        def run() -> _T:
            if timed:
                kwargs["timeout"] = deadline - time.monotonic()
            return fn(*args, **kwargs)

        costly = self._costly is not None and getattr(fn, "__self__", None) is self._costly
        pool = self._costly_pool if costly else self._cheap_pool
        job = asyncio.get_running_loop().run_in_executor(pool, run)
        return await asyncio.wait_for(job, timeout=self.timeout + GRACE_S)

    def close(self) -> None:
        """Stop the workers and close the costly lane's index."""
        for pool in (self._cheap_pool, self._costly_pool):
            pool.shutdown(wait=False, cancel_futures=True)
        if self._costly is not None:
            self._costly.close()
