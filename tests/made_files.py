"""Files of every input format, made by the tests: web pages with chrome around the
article, WARC archives (written with warcio), RSS and Atom feeds, PDFs with and without
a text layer."""

from __future__ import annotations

import io
from pathlib import Path
from xml.sax.saxutils import escape

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

#: Words that only the page chrome holds: none may reach an article's text or entities.
CHROME_WORDS = ("Subscribe", "Cookie", "Gazprom", "Zelensky", "Home", "Sport")


def page(title: str, paragraphs: list[str], *, lang: str | None = "en",
         date: str | None = "2021-03-04", site: str = "The Daily Example",
         url: str | None = "https://news.example/story") -> str:
    """A news page: navigation, the article, a comment section and a footer."""
    meta = []
    if date:
        meta.append(f'<meta property="article:published_time" content="{date}T09:00:00Z">')
    if url:
        meta.append(f'<link rel="canonical" href="{url}">')
    body = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    lang_attr = f' lang="{lang}"' if lang else ""
    return f"""<!DOCTYPE html><html{lang_attr}><head><meta charset="utf-8">
<title>{escape(title)} | {escape(site)}</title>
<meta property="og:title" content="{escape(title)}">
<meta property="og:site_name" content="{escape(site)}">{''.join(meta)}</head>
<body><header><nav><ul><li><a href="/">Home</a></li><li><a href="/sport">Sport</a></li>
<li><a href="/subscribe">Subscribe</a></li></ul></nav></header>
<main><article><h1>{escape(title)}</h1>{body}</article></main>
<aside class="related"><h3>Most read</h3><ul><li><a href="/x">Gazprom shares fall</a></li>
<li><a href="/y">Zelensky visits troops</a></li></ul></aside>
<section id="comments" class="comments"><h3>Comments</h3><div class="comment"><p>Zelensky
and Gazprom are to blame, says a reader.</p></div></section>
<footer><p>Cookie policy. Copyright The Daily Example.</p></footer></body></html>"""


def write_warc(path: Path, pages: list[tuple[str, str]], *, gzip: bool = True,
               extra: bool = True) -> Path:
    """A WARC of ``(uri, html)`` responses; ``extra`` adds a request, a 404 and an image."""
    with path.open("wb") as handle:
        writer = WARCWriter(handle, gzip=gzip)
        for uri, html in pages:
            _response(writer, uri, html.encode("utf-8"), "200 OK", "text/html; charset=utf-8")
        if extra:
            writer.write_record(writer.create_warc_record(
                "https://news.example/", "request", payload=io.BytesIO(b"GET / HTTP/1.1\r\n\r\n")))
            _response(writer, "https://news.example/gone", b"<html>Not found</html>",
                      "404 Not Found", "text/html")
            _response(writer, "https://news.example/logo.png", b"\x89PNG\r\n", "200 OK",
                      "image/png")
    return path


def _response(writer: WARCWriter, uri: str, body: bytes, status: str, kind: str) -> None:
    headers = StatusAndHeaders(status, [("Content-Type", kind)], protocol="HTTP/1.1")
    writer.write_record(writer.create_warc_record(uri, "response", payload=io.BytesIO(body),
                                                  http_headers=headers))


def rss(title: str, items: list[dict[str, str]], *, language: str = "en") -> str:
    """An RSS 2.0 feed; items have title, link, description and pubDate."""
    entries = "".join(
        f"<item><title>{escape(i['title'])}</title><link>{escape(i['link'])}</link>"
        f"<guid>{escape(i['link'])}</guid><pubDate>{i['date']}</pubDate>"
        f"<description>{escape(i['text'])}</description></item>" for i in items)
    return (f'<?xml version="1.0" encoding="utf-8"?><rss version="2.0"><channel>'
            f"<title>{escape(title)}</title><link>https://feed.example/</link>"
            f"<language>{language}</language>{entries}</channel></rss>")


def atom(title: str, entries: list[dict[str, str]]) -> str:
    """An Atom feed; entries have id, title, link, content (HTML) and updated."""
    body = "".join(
        f"<entry><id>{escape(e['id'])}</id><title>{escape(e['title'])}</title>"
        f'<link href="{escape(e["link"])}"/><updated>{e["date"]}</updated>'
        f'<content type="html">{escape(e["text"])}</content></entry>' for e in entries)
    return (f'<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
            f"<title>{escape(title)}</title><id>urn:feed</id><updated>2021-01-01T00:00:00Z"
            f"</updated>{body}</feed>")


def pdf(lines: list[str], *, title: str | None = None) -> bytes:
    """A one-page PDF whose text layer holds ``lines`` (none: a page with no text, as a
    scan without OCR has)."""
    def literal(text: str) -> str:
        return text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")

    ops = "".join(f"BT /F1 11 Tf 72 {740 - 16 * n} Td ({literal(line)}) Tj ET\n"
                  for n, line in enumerate(lines))
    stream = ops.encode("latin-1")
    info = f"<< /Title ({literal(title)}) >>" if title else "<< >>"
    objects = [
        "<< /Type /Catalog /Pages 2 0 R >>",
        "<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        "<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R "
        "/Resources << /Font << /F1 5 0 R >> >> >>",
        f"<< /Length {len(stream)} >>\nstream\n{stream.decode('latin-1')}endstream",
        "<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
        info,
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n{body}\nendobj\n".encode("latin-1")
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += (f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R /Info 6 0 R >>\nstartxref\n"
            f"{xref}\n%%EOF\n").encode()
    return bytes(out)
