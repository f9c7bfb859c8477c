"""Save a screenshot of the search page for the README, from an index of seeds/.

    newsfacet index seeds/ --index news-index
    python docs/screenshot.py --index news-index          # writes docs/search-page.png

Serves the index on a free loopback port in this process and photographs it with Debian's
headless Chromium (packages chromium and chromium-driver).
"""

from __future__ import annotations

import argparse
import socket
import tempfile
import threading
import time
from pathlib import Path

import uvicorn
from selenium import webdriver
from selenium.webdriver.chrome.options import Options
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.support.ui import WebDriverWait

from search import create_app

OUTPUT = Path(__file__).resolve().parent / "search-page.png"
STATE = "?q=police&any_countries=United+Kingdom&not_countries=Hong+Kong"
FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-background-networking",
         "--disable-component-update", "--disable-sync", "--no-first-run", "--disable-quic",
         "--hide-scrollbars", "--window-size=1280,900")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--index", type=Path, default=Path("news-index"))
    parser.add_argument("--output", type=Path, default=OUTPUT)
    args = parser.parse_args()

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    url = f"http://127.0.0.1:{sock.getsockname()[1]}/"
    server = uvicorn.Server(uvicorn.Config(create_app(args.index), log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [sock]}, daemon=True)
    thread.start()
    while not server.started:
        time.sleep(0.05)
    with tempfile.TemporaryDirectory() as profile:
        options = Options()
        options.binary_location = "/usr/bin/chromium"
        for flag in (*FLAGS, f"--user-data-dir={profile}"):
            options.add_argument(flag)
        driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
        try:
            driver.get(url + STATE)
            WebDriverWait(driver, 30).until(
                lambda d: d.find_element("tag name", "body").get_attribute("data-state") == "ready")
            driver.save_screenshot(str(args.output))
        finally:
            driver.quit()
    server.should_exit = True
    thread.join(timeout=30)
    print(f"Saved {args.output}")


if __name__ == "__main__":
    main()
