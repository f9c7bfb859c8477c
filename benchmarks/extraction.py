"""What reading web pages and web archives costs, next to NER.

Generates pages from a folder of text articles (the BBC corpus by default: title on the
first line, then the body), each wrapped in a news-site template with navigation, a
"most read" box, comments and a footer, writes them as ``.html`` files and as one
``.warc.gz``, and times, in this process:

* HTML extraction: newsfacet's HTML reader over the page files (trafilatura, fast mode, as
  indexing uses it) and, for comparison, trafilatura with its fallback extractors;
* WARC reading alone: iterating the response records and reading their bodies with
  fastwarc and with warcio;
* the WARC reader end to end (records, extraction, article values);
* language detection (py3langid) per article;
* spaCy NER (the default pipeline, NER components only, batches of 64, one process) over
  the same texts, for the share extraction adds to a run.

Prints pages/s for each and the extraction cost as a share of NER time. The generated
pages live in a temporary folder and are deleted; nothing of the corpus is kept.

    python benchmarks/extraction.py --corpus ../shared/data/bbc-news/txt --pages 2000
"""

from __future__ import annotations

import argparse
import io
import random
import tempfile
import time
from html import escape
from pathlib import Path

from index.ingest import extract
from index.ingest.language import detect_language
from index.ingest.reading import read_source
from index.ingest.records import Article, SourceFile

ROOT = Path(__file__).resolve().parent.parent
DEFAULT_CORPUS = ROOT.parent / "shared" / "data" / "bbc-news" / "txt"
NER_SAMPLE = 300


def page(title: str, paragraphs: list[str], number: int) -> str:
    """A news page with the chrome real sites have around the article."""
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    links = "".join(f'<li><a href="/news/{number + k}">Related story number {k} of the day'
                    "</a></li>" for k in range(8))
    return f"""<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<title>{escape(title)} - Example News</title><meta property="og:site_name" content="Example News">
<meta property="article:published_time" content="2005-0{1 + number % 9}-1{number % 10}T08:00:00Z">
<link rel="canonical" href="https://news.example/{number}">
<script>var tracking = {{"id": {number}}};</script>
<style>body {{ font-family: sans-serif }}</style></head>
<body><header><div class="logo">Example News</div><nav><ul><li><a href="/">Home</a></li>
<li><a href="/world">World</a></li><li><a href="/business">Business</a></li>
<li><a href="/sport">Sport</a></li><li><a href="/subscribe">Subscribe</a></li></ul></nav>
<form class="search"><input name="q"><button>Search</button></form></header>
<div class="cookie-banner">We use cookies to improve your experience. Accept all cookies.</div>
<main><article><h1>{escape(title)}</h1><div class="byline">By a staff reporter</div>
{body}
<div class="share">Share this story on social media</div></article>
<aside class="most-read"><h2>Most read</h2><ol>{links}</ol></aside></main>
<section class="comments"><h2>Comments</h2><div class="comment"><p>Great article, thanks.
</p></div><div class="comment"><p>I disagree with the minister completely.</p></div></section>
<footer><p>Copyright Example News. All rights reserved.</p><p>Privacy policy. Terms of use.
Contact us. Advertise with us.</p></footer></body></html>"""


def articles(corpus: Path, count: int) -> list[tuple[str, list[str]]]:
    files = sorted(corpus.glob("*.txt"))
    if not files:
        raise SystemExit(f"No .txt files in {corpus}; give the corpus with --corpus")
    random.Random(7).shuffle(files)
    out = []
    for file in (files * (count // max(1, len(files)) + 1))[:count]:
        lines = [line.strip() for line in file.read_text(encoding="utf-8",
                                                         errors="replace").splitlines()]
        lines = [line for line in lines if line]
        out.append((lines[0], lines[1:]))
    return out


def write_warc(path: Path, pages: list[bytes]) -> None:
    from warcio.statusandheaders import StatusAndHeaders
    from warcio.warcwriter import WARCWriter

    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for number, body in enumerate(pages):
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            writer.write_record(writer.create_warc_record(
                f"https://news.example/{number}", "response", payload=io.BytesIO(body),
                http_headers=headers))


def timed(label: str, count: int, seconds: float, unit: str = "pages") -> float:
    print(f"{label:<46} {count / seconds:9.1f} {unit}/s  ({1000 * seconds / count:.2f} ms each)")
    return seconds / count


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=DEFAULT_CORPUS)
    parser.add_argument("--pages", type=int, default=2000)
    args = parser.parse_args()
    items = articles(args.corpus, args.pages)
    with tempfile.TemporaryDirectory(prefix="newsfacet-extraction-") as tmp:
        folder = Path(tmp)
        bodies = [page(t, p, n).encode("utf-8") for n, (t, p) in enumerate(items)]
        for number, body in enumerate(bodies):
            (folder / f"{number:05d}.html").write_bytes(body)
        warc = folder / "pages.warc.gz"
        write_warc(warc, bodies)
        print(f"{len(bodies)} pages, {sum(map(len, bodies)) / len(bodies) / 1024:.1f} KB each "
              f"on average; WARC {warc.stat().st_size / 2**20:.1f} MB gzipped\n")

        extract.extract_page(bodies[0])  # imports trafilatura, once
        start = time.perf_counter()
        read: list[Article] = []
        for number in range(len(bodies)):
            source = SourceFile(str(folder / f"{number:05d}.html"), folder)
            read.extend(a for a in read_source(source) if isinstance(a, Article))
        html_each = timed("HTML reader (trafilatura, fast mode)", len(bodies),
                          time.perf_counter() - start)
        assert len(read) == len(bodies), f"{len(bodies) - len(read)} pages gave no article"
        extract.FAST_EXTRACTION = False
        sample = bodies[:500]
        start = time.perf_counter()
        for body in sample:
            extract.extract_page(body)
        timed("  trafilatura with fallback extractors", len(sample), time.perf_counter() - start)
        extract.FAST_EXTRACTION = True

        from fastwarc.warc import ArchiveIterator, WarcRecordType
        start = time.perf_counter()
        count = 0
        with warc.open("rb") as handle:
            for record in ArchiveIterator(handle, record_types=WarcRecordType.response,
                                          parse_http=True):
                record.reader.read()
                count += 1
        timed("WARC records, fastwarc", count, time.perf_counter() - start, "records")
        from warcio.archiveiterator import ArchiveIterator as WarcioIterator
        start = time.perf_counter()
        count = 0
        with warc.open("rb") as handle:
            for record in WarcioIterator(handle):
                if record.rec_type == "response":
                    record.content_stream().read()
                    count += 1
        timed("WARC records, warcio", count, time.perf_counter() - start, "records")
        start = time.perf_counter()
        found = [a for a in read_source(SourceFile(str(warc), folder)) if isinstance(a, Article)]
        warc_each = timed("WARC reader (fastwarc + extraction)", len(found),
                          time.perf_counter() - start)

        texts = [f"{a.title}\n{a.text}" for a in read]
        detect_language(texts[0])
        start = time.perf_counter()
        for text in texts:
            detect_language(text)
        language_each = timed("language detection (py3langid)", len(texts),
                              time.perf_counter() - start, "articles")

        # NER and extraction timed in turns, batch by batch, so that both see the same
        # load on a shared machine and their ratio holds even when the speeds do not.
        from index.ner.pipeline import load_pipeline, mention_tuples
        nlp = load_pipeline()
        mention_tuples(nlp, texts[:10], 64)
        sample = min(NER_SAMPLE, len(bodies))
        extracting = ner = 0.0
        for first in range(0, sample, 64):
            chunk = range(first, min(first + 64, sample))
            start = time.perf_counter()
            pages = [extract.extract_page(bodies[n]) for n in chunk]
            for found in pages:
                if found is not None:
                    detect_language(f"{found.title}\n{found.text}")
            extracting += time.perf_counter() - start
            start = time.perf_counter()
            mention_tuples(nlp, [f"{p.title}\n\n{p.text}" for p in pages if p is not None], 64)
            ner += time.perf_counter() - start
        timed("spaCy NER, one process", sample, ner, "articles")
        print(f"\nIn turns on the first {sample} pages: extraction and language detection take "
              f"{100 * extracting / ner:.1f}% of the time NER takes")
        print(f"From the runs above: HTML {100 * (html_each + language_each) * sample / ner:.1f}%"
              f", WARC {100 * (warc_each + language_each) * sample / ner:.1f}% of NER time")


if __name__ == "__main__":
    main()
