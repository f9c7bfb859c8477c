"""Every input format: web pages, WARC archives, feeds, PDFs, other encodings, gzip."""

from __future__ import annotations

import datetime as dt
import gzip
import json
from pathlib import Path

import pytest

from index import Article, ProblemKind, ReadProblem, build_index, read_articles
from index.ingest.formats import FORMATS, format_of
from search import Facet, NewsIndex
from tests.made_files import CHROME_WORDS, atom, page, pdf, rss, write_warc

STORY = ["Chancellor Angela Merkel met President Emmanuel Macron in Paris on Tuesday to "
         "discuss the budget of the European Union.",
         "The two leaders spoke for three hours at the Elysee Palace, officials in Berlin said."]
STORM = ["Hurricane Ian made landfall in Florida on Wednesday, Governor Ron DeSantis said "
         "in Tallahassee, as thousands of people left the coast."]
FLOOD = ["Floods in Pakistan killed dozens of people in Sindh province, officials in "
         "Karachi said on Monday, and more rain is expected this week."]


def read(folder: Path) -> tuple[dict[str, Article], list[ReadProblem]]:
    items = list(read_articles([folder]))
    return ({a.id: a for a in items if isinstance(a, Article)},
            [p for p in items if isinstance(p, ReadProblem)])


def test_a_web_page_gives_its_article_without_the_chrome(tmp_path: Path) -> None:
    (tmp_path / "story.html").write_text(page("Merkel and Macron meet in Paris", STORY))
    (tmp_path / "menu.htm").write_text("<html><body><nav><a href='/'>Home</a></nav></body></html>")
    articles, problems = read(tmp_path)
    story = articles["story.html"]
    assert story.title == "Merkel and Macron meet in Paris"
    assert story.text.startswith("Chancellor Angela Merkel") and "Elysee" in story.text
    assert not any(word in story.text for word in CHROME_WORDS)
    assert (story.date, story.url, story.source, story.language) == (
        dt.date(2021, 3, 4), "https://news.example/story", "The Daily Example", "en")
    assert [(Path(p.path).name, p.kind) for p in problems] == [("menu.htm", ProblemKind.SKIPPED)]
    assert "no article text" in problems[0].reason


@pytest.mark.parametrize("gzipped", [True, False])
def test_a_warc_gives_one_article_per_html_response(tmp_path: Path, gzipped: bool) -> None:
    name = "crawl.warc.gz" if gzipped else "crawl.warc"
    write_warc(tmp_path / name, [
        ("https://news.example/storm", page("Storm hits Florida", STORM, url=None, date=None)),
        ("https://news.example/flood", page("Floods in Pakistan", FLOOD, url=None)),
        ("https://news.example/storm", page("Storm hits Florida, update", STORM, url=None)),
    ], gzip=gzipped)
    articles, problems = read(tmp_path)
    storm, flood = articles["https://news.example/storm"], articles["https://news.example/flood"]
    assert storm.title == "Storm hits Florida" and storm.url == "https://news.example/storm"
    assert storm.date is not None  # the WARC-Date: the page has none
    assert flood.date == dt.date(2021, 3, 4)  # the page's own date
    again = [a for key, a in articles.items() if key.startswith("https://news.example/storm#")]
    assert len(again) == 1 and again[0].title == "Storm hits Florida, update"
    assert not any(word in storm.text for word in CHROME_WORDS)
    assert [p.reason for p in problems] == [
        "2 response records that are not HTML pages with status 200 left out"]


def test_rss_and_atom_entries_are_articles(tmp_path: Path) -> None:
    (tmp_path / "world.rss").write_text(rss("World Feed", [
        {"title": "Quake in Japan", "link": "https://feed.example/1",
         "date": "Mon, 05 Apr 2021 10:00:00 GMT",
         "text": "<p>A strong earthquake hit <b>Tokyo</b>.</p><p>No damage &amp; no tsunami.</p>"},
        {"title": "Vote in Peru", "link": "https://feed.example/2",
         "date": "Tue, 06 Apr 2021 10:00:00 GMT", "text": "Voters in Lima went to the polls."},
    ]))
    (tmp_path / "news.xml").write_text(atom("Atom News", [
        {"id": "urn:chile", "title": "Election in Chile", "link": "https://atom.example/1",
         "date": "2021-05-06T00:00:00Z", "text": "<p>Voters in Santiago chose a president.</p>"}]))
    (tmp_path / "settings.xml").write_text("<config><a>1</a></config>")
    articles, problems = read(tmp_path)
    quake = articles["https://feed.example/1"]
    assert quake.text == "A strong earthquake hit Tokyo.\nNo damage & no tsunami."
    assert (quake.date, quake.source, quake.url, quake.language) == (
        dt.date(2021, 4, 5), "World Feed", "https://feed.example/1", "en")
    chile = articles["urn:chile"]
    assert (chile.title, chile.url, chile.source) == (
        "Election in Chile", "https://atom.example/1", "Atom News")
    assert len(articles) == 3
    assert [(Path(p.path).name, p.kind) for p in problems] == [
        ("settings.xml", ProblemKind.SKIPPED)]


def test_a_pdf_is_read_and_a_scan_is_skipped(tmp_path: Path) -> None:
    (tmp_path / "2021-06-01-page.pdf").write_bytes(
        pdf(["Budget vote in Rome", "Giorgia Meloni won the vote in Rome on Friday."]))
    (tmp_path / "titled.pdf").write_bytes(pdf(["Body line one."], title="A titled document"))
    (tmp_path / "scan.pdf").write_bytes(pdf([]))
    (tmp_path / "broken.pdf").write_bytes(b"%PDF-1.4\nnothing else")
    articles, problems = read(tmp_path)
    page_one = articles["2021-06-01-page.pdf"]
    assert page_one.title == "Budget vote in Rome"
    assert page_one.text == "Giorgia Meloni won the vote in Rome on Friday."
    assert page_one.date == dt.date(2021, 6, 1)
    assert articles["titled.pdf"].title == "A titled document"
    reasons = {Path(p.path).name: (p.kind, p.reason) for p in problems}
    assert reasons["scan.pdf"] == (ProblemKind.SKIPPED, "no text layer (needs OCR)")
    assert reasons["broken.pdf"][0] is ProblemKind.FAILED


@pytest.mark.parametrize("encoding", ["latin-1", "cp1252"])
def test_latin1_and_windows_1252_files_are_decoded(tmp_path: Path, encoding: str) -> None:
    title = "Café talks in Paris" if encoding == "latin-1" else "“Café talks” in Paris"
    body = "Leaders met at a café in Paris; the bill came to 5 €." if encoding == "cp1252" \
        else "Leaders met at a café in Paris near the Seine, à côté du musée."
    (tmp_path / "story.txt").write_bytes(f"{title}\n\n{body}".encode(encoding))
    (tmp_path / "rows.csv").write_bytes(f"id,title,text\nr1,{title},\"{body}\"\n".encode(encoding))
    articles, problems = read(tmp_path)
    assert problems == []
    assert (articles["story.txt"].title, articles["story.txt"].text) == (title, body)
    assert (articles["r1"].title, articles["r1"].text) == (title, body)


def test_gzipped_versions_of_every_text_format(tmp_path: Path) -> None:
    records = [{"id": f"z{n}", "title": f"Zipped story {n}", "text": "Body."} for n in range(3)]
    (tmp_path / "a.jsonl.gz").write_bytes(gzip.compress(
        "\n".join(json.dumps(r) for r in records).encode()))
    (tmp_path / "b.json.gz").write_bytes(gzip.compress(json.dumps(
        [{"id": "j1", "title": "Json zipped", "text": "Body."}]).encode()))
    (tmp_path / "c.csv.gz").write_bytes(gzip.compress(b"id,title,text\nc1,Csv zipped,Body.\n"))
    (tmp_path / "2020-02-02-d.txt.gz").write_bytes(gzip.compress(b"Text zipped\n\nBody."))
    (tmp_path / "e.html.gz").write_bytes(gzip.compress(page("Page zipped", STORY).encode()))
    (tmp_path / "f.rss.gz").write_bytes(gzip.compress(rss("F", [
        {"title": "Feed zipped", "link": "https://f.example/1", "date":
         "Mon, 05 Apr 2021 10:00:00 GMT", "text": "Body."}]).encode()))
    (tmp_path / "broken.jsonl.gz").write_bytes(b"\x1f\x8b\x08\x00garbage")
    articles, problems = read(tmp_path)
    assert sorted(a.title for a in articles.values()) == [
        "Csv zipped", "Feed zipped", "Json zipped", "Page zipped", "Text zipped",
        "Zipped story 0", "Zipped story 1", "Zipped story 2"]
    assert articles["2020-02-02-d.txt.gz"].date == dt.date(2020, 2, 2)
    assert [(Path(p.path).name, p.kind) for p in problems] == [
        ("broken.jsonl.gz", ProblemKind.FAILED)]


def test_every_suffix_has_one_reader_and_gz_of_each() -> None:
    assert {".txt", ".md", ".jsonl", ".json", ".csv", ".html", ".htm", ".warc", ".warc.gz",
            ".rss", ".atom", ".xml", ".pdf"} <= set(FORMATS)
    assert format_of("x.warc.gz") is FORMATS[".warc.gz"]
    assert format_of("x.csv.gz") is FORMATS[".csv"]
    assert format_of("x.gz") is None and format_of(".html") is None


def test_a_folder_of_every_format_indexes_each_article_once(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "story.html").write_text(page("Merkel and Macron meet in Paris", STORY))
    write_warc(corpus / "crawl.warc.gz", [
        ("https://news.example/storm", page("Storm hits Florida", STORM, url=None)),
        ("https://news.example/flood", page("Floods in Pakistan", FLOOD, url=None))])
    (corpus / "feed.rss").write_text(rss("World Feed", [
        {"title": "Quake in Japan", "link": "https://feed.example/1",
         "date": "Mon, 05 Apr 2021 10:00:00 GMT",
         "text": "A strong earthquake hit Tokyo, Prime Minister Yoshihide Suga said."}]))
    (corpus / "page.pdf").write_bytes(pdf(["Budget vote in Rome",
                                           "Giorgia Meloni won the vote in Rome on Friday."]))
    (corpus / "note.txt").write_bytes("Caf\xe9 in Lyon\n\nA caf\xe9 opened in Lyon.".encode(
        "latin-1"))
    index_dir = tmp_path / "ix"
    report = build_index([corpus], index_dir)
    assert (report.indexed, report.failed) == (6, 0)
    again = build_index([corpus], index_dir)
    assert (again.indexed, again.unchanged, again.removed) == (0, 6, 0)
    with NewsIndex(index_dir) as news:
        story = news.get("story.html")
        assert story.url == "https://news.example/story" and story.source == "The Daily Example"
        people = set(story.people)
        assert "Angela Merkel" in people and not {"Zelensky", "Gazprom"} & (
            people | set(story.organizations))
        assert news.get("https://news.example/flood").date == dt.date(2021, 3, 4)
        assert news.search("earthquake").hits[0].document.source == "World Feed"
        assert "Italy" in news.get("page.pdf").countries
        assert news.get("note.txt").title == "Café in Lyon"
        assert not news.search("Zelensky OR Gazprom OR subscribe OR cookie").total
        assert "Gazprom" not in {c.value for c in news.facet(Facet.ORGANIZATIONS, "", size=0)}


def test_a_warc_is_indexed_again_record_by_record(tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    storm = ("https://news.example/storm", page("Storm hits Florida", STORM, url=None))
    flood = ("https://news.example/flood", page("Floods in Pakistan", FLOOD, url=None))
    write_warc(corpus / "crawl.warc.gz", [storm, flood], extra=False)
    index_dir = tmp_path / "ix"
    assert build_index([corpus], index_dir).indexed == 2
    changed = ("https://news.example/flood",
               page("Floods in Pakistan and India", FLOOD, url=None))
    write_warc(corpus / "crawl.warc.gz", [storm, changed], extra=False)
    report = build_index([corpus], index_dir)
    assert (report.indexed, report.unchanged, report.removed) == (1, 1, 0)
    write_warc(corpus / "crawl.warc.gz", [storm], extra=False)
    report = build_index([corpus], index_dir)
    assert (report.indexed, report.unchanged, report.removed) == (0, 1, 1)
    with NewsIndex(index_dir) as news:
        assert [d.id for d in news.export()] == ["https://news.example/storm"]
