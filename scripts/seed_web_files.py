"""Write the web archive and the feed of ``seeds/web/`` from seed articles (run once).

Six Wikinews seed articles are stored as a WARC of web pages and as an RSS feed instead of
text files, so that ``make demo`` and the tests index those formats too. Each page wraps
the article in the chrome a news site has (navigation, a "most read" box, a footer) for
the extractor to remove. The text files are deleted; ``seeds/SOURCES.tsv`` names the new
place of each article.

    python scripts/seed_web_files.py
"""

from __future__ import annotations

import csv
import datetime as dt
import io
from email.utils import format_datetime
from html import escape
from pathlib import Path

from warcio.statusandheaders import StatusAndHeaders
from warcio.warcwriter import WARCWriter

SEEDS = Path(__file__).resolve().parent.parent / "seeds"
WEB = SEEDS / "web"
ARCHIVE = "web/wikinews-2020.warc.gz"
FEED = "web/wikinews-2020.rss"
IN_ARCHIVE = (
    "2020-06-11-police-arrest-twelve-after-explosives-kill-jackal-in-tamil-nadu-india.txt",
    "2020-08-13-water-main-bursts-in-white-plains-new-york-us.txt",
    "2020-10-08-guitarist-eddie-van-halen-dies-aged-65.txt",
)
IN_FEED = (
    "2020-03-06-indian-railway-all-women-crew-steers-tippu-express-ahead-of-international-"
    "women.txt",
    "2020-06-03-south-sudanese-politician-john-luk-jok-dies-aged-about-68.txt",
    "2020-06-05-yemeni-journalist-nabil-hasan-al-quaety-shot-dead-in-aden.txt",
)
ATTRIBUTION = ("From Wikinews, the free news source, by Wikinews contributors, licensed under "
               "Creative Commons Attribution 2.5.")


def main() -> None:
    sources = _sources()
    WEB.mkdir(exist_ok=True)
    with (SEEDS / ARCHIVE).open("wb") as handle:
        writer = WARCWriter(handle, gzip=True)
        for name in IN_ARCHIVE:
            title, paragraphs, day = _article(name)
            url = sources[name][1]
            headers = StatusAndHeaders("200 OK", [("Content-Type", "text/html; charset=utf-8")],
                                       protocol="HTTP/1.1")
            body = _page(title, paragraphs, day, url).encode("utf-8")
            writer.write_record(writer.create_warc_record(
                url, "response", payload=io.BytesIO(body), http_headers=headers,
                warc_headers_dict={"WARC-Date": f"{day.isoformat()}T12:00:00Z"}))
    items = []
    for name in IN_FEED:
        title, paragraphs, day = _article(name)
        url = sources[name][1]
        when = format_datetime(dt.datetime.combine(day, dt.time(12), tzinfo=dt.UTC))
        content = "".join(f"<p>{escape(p)}</p>" for p in paragraphs)
        items.append(f"<item><title>{escape(title)}</title><link>{escape(url)}</link>"
                     f"<guid>{escape(url)}</guid><pubDate>{when}</pubDate>"
                     f"<description>{escape(content)}</description></item>")
    (SEEDS / FEED).write_text(
        '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
        "<title>Wikinews</title><link>https://en.wikinews.org/</link><language>en</language>"
        f"<copyright>{escape(ATTRIBUTION)}</copyright>\n" + "\n".join(items) +
        "\n</channel></rss>\n", encoding="utf-8")
    for name in IN_ARCHIVE + IN_FEED:
        (SEEDS / name).unlink()
    _update_sources(sources)


def _article(name: str) -> tuple[str, list[str], dt.date]:
    text = (SEEDS / name).read_text(encoding="utf-8")
    title, _, body = text.partition("\n")
    paragraphs = [p.strip() for p in body.split("\n\n") if p.strip()]
    return title.strip(), paragraphs, dt.date.fromisoformat(name[:10])


def _page(title: str, paragraphs: list[str], day: dt.date, url: str) -> str:
    body = "\n".join(f"<p>{escape(p)}</p>" for p in paragraphs)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>{escape(title)} - Wikinews</title>
<link rel="canonical" href="{escape(url)}">
<meta property="og:site_name" content="Wikinews">
<meta property="article:published_time" content="{day.isoformat()}T12:00:00Z"></head>
<body><nav><a href="/">Main page</a> <a href="/wiki/Portal:Politics">Politics</a>
<a href="/wiki/Portal:Sports">Sports</a> <a href="/wiki/Special:Random">Random article</a></nav>
<main><article><h1>{escape(title)}</h1>
{body}
</article></main>
<aside><h2>Most read</h2><ul><li><a href="/a">Weather service warns of storms</a></li>
<li><a href="/b">Share prices rise in early trading</a></li></ul></aside>
<footer><p>{escape(ATTRIBUTION)}</p><p>Privacy policy. Terms of use.</p></footer>
</body></html>"""


def _sources() -> dict[str, tuple[str, str]]:
    with (SEEDS / "SOURCES.tsv").open(encoding="utf-8") as handle:
        return {row["file"]: (row["date"], row["url"])
                for row in csv.DictReader(handle, delimiter="\t")}


def _update_sources(sources: dict[str, tuple[str, str]]) -> None:
    moved = {name: ARCHIVE for name in IN_ARCHIVE} | {name: FEED for name in IN_FEED}
    with (SEEDS / "SOURCES.tsv").open("w", encoding="utf-8", newline="") as handle:
        out = csv.writer(handle, delimiter="\t", lineterminator="\n")
        out.writerow(["file", "date", "url"])
        for name, (day, url) in sources.items():
            out.writerow([moved.get(name, name), day, url])


if __name__ == "__main__":
    main()
