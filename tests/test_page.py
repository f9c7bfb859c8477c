"""The search page, driven in Debian's headless Chromium against a real server."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import parse_qs, urlsplit

import httpx
import pytest

pytestmark = pytest.mark.browser

CHROMIUM = Path("/usr/bin/chromium")
CHROMEDRIVER = Path("/usr/bin/chromedriver")
#: Flags for a machine with no network and no display: nothing may try to reach out.
CHROMIUM_FLAGS = ("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                  "--disable-background-networking", "--disable-component-update",
                  "--disable-sync", "--no-first-run", "--disable-quic",
                  "--window-size=1280,1000")
WAIT_SECONDS = 30
#: What the page adds to every search it sends.
PAGE_PARAMS = {"limit": 10, "facet_size": 12, "disjunctive": "true"}


def _chromium_or_skip() -> None:
    missing = [str(p) for p in (CHROMIUM, CHROMEDRIVER) if not p.exists()]
    if not missing:
        return
    reason = (f"{' and '.join(missing)} not installed; install Debian's browser with: "
              "apt-get install -y chromium chromium-driver")
    if os.environ.get("CI") == "true":
        pytest.fail(f"The browser test must run in CI: {reason}")
    pytest.skip(reason)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[object]:
    _chromium_or_skip()
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service

    profile = tmp_path_factory.mktemp("chromium-profile")
    options = Options()
    options.binary_location = str(CHROMIUM)
    for flag in (*CHROMIUM_FLAGS, f"--user-data-dir={profile}"):
        options.add_argument(flag)
    driver = webdriver.Chrome(service=Service(executable_path=str(CHROMEDRIVER)),
                              options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


def _wait(driver: object, condition: object) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, WAIT_SECONDS).until(condition)  # type: ignore[arg-type]


def _ready(driver: object) -> None:
    _wait(driver, lambda d: d.find_element("tag name", "body").get_attribute("data-state")
          in ("ready", "error"))


def _state(driver: object) -> dict[str, list[str]]:
    return parse_qs(urlsplit(driver.current_url).query)  # type: ignore[attr-defined]


def _total(driver: object) -> int:
    return int(driver.find_element("id", "total").text.replace(",", ""))  # type: ignore[attr-defined]


def _facet_counts(driver: object, facet: str) -> dict[str, int]:
    buttons = driver.find_elements(  # type: ignore[attr-defined]
        "css selector", f'button.pick[data-facet="{facet}"]')
    return {b.get_attribute("data-value"): int(b.get_attribute("data-count")) for b in buttons}


def _hit_ids(driver: object) -> list[str]:
    items = driver.find_elements("css selector", "#hits li.hit")  # type: ignore[attr-defined]
    return [item.get_attribute("data-id") for item in items]


def test_type_a_query_then_click_a_country(browser: object, api_url: str,
                                           tmp_path: Path) -> None:
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{api_url}/")  # type: ignore[attr-defined]
    _ready(driver)
    box = driver.find_element("id", "q")  # type: ignore[attr-defined]
    box.send_keys("police", Keys.ENTER)
    _wait(driver, lambda d: _state(d).get("q") == ["police"])
    _ready(driver)

    api = httpx.get(f"{api_url}/api/search", params={"q": "police", **PAGE_PARAMS}).json()
    assert _total(driver) == api["total"] > 0
    assert _hit_ids(driver) == [h["id"] for h in api["hits"]]
    assert driver.find_elements("css selector", "#hits .snippet b")  # type: ignore[attr-defined]
    before = {f: _facet_counts(driver, f) for f in ("countries", "people", "organizations")}
    assert before["countries"] == {c["value"]: c["count"] for c in api["facets"]["countries"]}

    country, count = next((value, n) for value, n in before["countries"].items()
                          if n < api["total"])
    driver.find_element(  # type: ignore[attr-defined]
        "css selector", f'button.pick[data-facet="countries"][data-value="{country}"]').click()
    _wait(driver, lambda d: _state(d).get("any_countries") == [country])
    _ready(driver)

    assert _total(driver) == count
    filtered = httpx.get(f"{api_url}/api/search", params={
        "q": "police", "any_countries": country, **PAGE_PARAMS}).json()
    assert _hit_ids(driver) == [h["id"] for h in filtered["hits"]]
    after = {f: _facet_counts(driver, f) for f in before}
    assert after != before
    # Disjunctive counts: the other countries stay listed as alternatives, as before.
    assert after["countries"] == before["countries"]
    assert after["countries"][country] == count
    chips = driver.find_elements("css selector", "#chips .chip")  # type: ignore[attr-defined]
    assert [c.get_attribute("data-value") for c in chips] == [country]
    assert _state(driver) == {"q": ["police"], "any_countries": [country]}

    screenshot = tmp_path / "search-page.png"
    assert driver.save_screenshot(str(screenshot))  # type: ignore[attr-defined]
    assert screenshot.stat().st_size > 10_000

    # Every resource the page loaded came from this server.
    loaded = driver.execute_script(  # type: ignore[attr-defined]
        "return performance.getEntriesByType('resource').map(e => e.name)")
    assert loaded and all(url.startswith(api_url) for url in loaded)

    chips[0].click()  # removing the chip brings the unfiltered results back
    _wait(driver, lambda d: "countries" not in _state(d))
    _ready(driver)
    assert _total(driver) == api["total"]


def test_a_shared_url_restores_the_search_and_pages(browser: object, api_url: str) -> None:
    driver = browser
    driver.get(f"{api_url}/?countries=United+States")  # type: ignore[attr-defined]
    _ready(driver)
    api = httpx.get(f"{api_url}/api/search", params={"countries": "United States",
                                                     **PAGE_PARAMS}).json()
    assert api["total"] > 10
    assert _total(driver) == api["total"]
    chip = driver.find_element("css selector", "#chips .chip")  # type: ignore[attr-defined]
    assert chip.get_attribute("data-value") == "United States"
    first_page = _hit_ids(driver)

    driver.find_element("id", "next").click()  # type: ignore[attr-defined]
    _wait(driver, lambda d: _state(d).get("page") == ["2"])
    _ready(driver)
    second = httpx.get(f"{api_url}/api/search", params={"countries": "United States",
                                                        **PAGE_PARAMS, "page": 2}).json()
    assert _hit_ids(driver) == [h["id"] for h in second["hits"]]
    assert set(first_page).isdisjoint(_hit_ids(driver))

    driver.back()  # type: ignore[attr-defined]
    _wait(driver, lambda d: "page" not in _state(d))
    _ready(driver)
    assert _hit_ids(driver) == first_page


def test_a_bad_query_shows_the_api_error(browser: object, api_url: str) -> None:
    driver = browser
    driver.get(f"{api_url}/?q=%22unclosed")  # type: ignore[attr-defined]
    _ready(driver)
    error = driver.find_element("id", "error")  # type: ignore[attr-defined]
    assert "Unbalanced quote" in error.text
    assert driver.find_element("tag name", "body").get_attribute("data-state") == "error"  # type: ignore[attr-defined]


def _api(api_url: str, params: list[tuple[str, str]]) -> dict[str, object]:
    return httpx.get(f"{api_url}/api/search",  # type: ignore[no-any-return]
                     params=[*params, *((k, str(v)) for k, v in PAGE_PARAMS.items())]).json()


def _click(driver: object, selector: str) -> None:
    driver.find_element("css selector", selector).click()  # type: ignore[attr-defined]


def test_excluding_a_value_by_modifier_click_and_by_its_control(browser: object,
                                                                api_url: str) -> None:
    from selenium.webdriver.common.action_chains import ActionChains
    from selenium.webdriver.common.keys import Keys

    driver = browser
    driver.get(f"{api_url}/?q=police")  # type: ignore[attr-defined]
    _ready(driver)
    before, ids = _total(driver), _hit_ids(driver)
    countries = _facet_counts(driver, "countries")
    first, second = [value for value, n in countries.items() if n < before][:2]

    button = driver.find_element(  # type: ignore[attr-defined]
        "css selector", f'button.pick[data-facet="countries"][data-value="{first}"]')
    ActionChains(driver).key_down(Keys.ALT).click(button).key_up(Keys.ALT).perform()
    _wait(driver, lambda d: _state(d).get("not_countries") == [first])
    _ready(driver)
    expected = _api(api_url, [("q", "police"), ("not_countries", first)])
    assert _total(driver) == expected["total"] == before - countries[first]
    assert _hit_ids(driver) == [h["id"] for h in expected["hits"]] != ids  # type: ignore[index]
    chip = driver.find_element("css selector", "#chips .chip.not")  # type: ignore[attr-defined]
    assert (chip.get_attribute("data-key"), chip.get_attribute("data-value")) == (
        "not_countries", first)
    assert "not Country" in chip.text
    assert "excluded" in driver.find_element(  # type: ignore[attr-defined]
        "css selector", f'button.pick[data-value="{first}"]').get_attribute("class")

    _click(driver, f'button.exclude[data-facet="countries"][data-value="{second}"]')
    _wait(driver, lambda d: _state(d).get("not_countries") == [first, second])
    _ready(driver)
    expected = _api(api_url, [("q", "police"), ("not_countries", first),
                              ("not_countries", second)])
    assert _total(driver) == expected["total"] < before - countries[first]
    assert _state(driver) == {"q": ["police"], "not_countries": [first, second]}


def test_the_date_histogram_is_drawn_and_sets_the_dates(browser: object, api_url: str) -> None:
    driver = browser
    driver.get(f"{api_url}/?q=police")  # type: ignore[attr-defined]
    _ready(driver)
    dates = _api(api_url, [("q", "police")])["dates"]
    columns = driver.find_elements("css selector", "#histogram .column")  # type: ignore[attr-defined]
    drawn = [{"value": c.get_attribute("data-value"), "count": int(c.get_attribute("data-count"))}
             for c in columns]
    assert drawn == dates["buckets"] and len(drawn) > 1  # type: ignore[index]
    assert driver.find_element("id", "histogram").is_displayed()  # type: ignore[attr-defined]
    heights = [c.find_element("css selector", ".bar").size["height"] for c in columns]
    assert max(heights) > min(heights) >= 0

    june = next(c for c in columns if c.get_attribute("data-value") == "2019-06")
    june_count = int(june.get_attribute("data-count"))
    june.click()
    _wait(driver, lambda d: _state(d).get("until") == ["2019-06-30"])
    _ready(driver)
    assert _state(driver) == {"q": ["police"], "since": ["2019-06-01"], "until": ["2019-06-30"]}
    assert _total(driver) == june_count > 0
    assert driver.find_element("id", "since").get_attribute("value") == "2019-06-01"  # type: ignore[attr-defined]


def test_did_you_mean_is_shown_and_clickable(browser: object, api_url: str) -> None:
    driver = browser
    driver.get(f"{api_url}/?q=polise&countries=Untied+States")  # type: ignore[attr-defined]
    _ready(driver)
    shown = driver.find_elements("css selector", "#suggestions .suggestion")  # type: ignore[attr-defined]
    assert {(s.get_attribute("data-field"), s.text) for s in shown} == {
        ("text", "police"), ("countries", "United States")}
    next(s for s in shown if s.get_attribute("data-field") == "text").click()
    _wait(driver, lambda d: _state(d).get("q") == ["police"])
    _ready(driver)
    _click(driver, '#suggestions .suggestion[data-field="countries"]')
    _wait(driver, lambda d: _state(d).get("countries") == ["United States"])
    _ready(driver)
    expected = _api(api_url, [("q", "police"), ("countries", "United States")])
    assert _total(driver) == expected["total"] > 0
    assert not driver.find_element("id", "suggestions").is_displayed()  # type: ignore[attr-defined]


def test_sort_and_collapse_are_kept_in_the_url(browser: object, api_url: str) -> None:
    from selenium.webdriver.support.ui import Select

    driver = browser
    driver.get(f"{api_url}/?q=police")  # type: ignore[attr-defined]
    _ready(driver)
    Select(driver.find_element("id", "sort")).select_by_value("date")  # type: ignore[attr-defined]
    _wait(driver, lambda d: _state(d).get("sort") == ["date"])
    _ready(driver)
    oldest = _api(api_url, [("q", "police"), ("sort", "date")])
    assert _hit_ids(driver) == [h["id"] for h in oldest["hits"]]  # type: ignore[attr-defined]
    assert _hit_ids(driver) != [h["id"] for h in _api(api_url, [("q", "police")])["hits"]]  # type: ignore[attr-defined]

    _click(driver, "#collapse")
    _wait(driver, lambda d: _state(d).get("collapse") == ["true"])
    _ready(driver)
    collapsed = _api(api_url, [("q", "police"), ("sort", "date"), ("collapse", "true")])
    assert _hit_ids(driver) == [h["id"] for h in collapsed["hits"]]  # type: ignore[attr-defined]
    copies = driver.find_elements("css selector", "#hits li.hit")  # type: ignore[attr-defined]
    assert [int(c.get_attribute("data-copies")) for c in copies] == [
        h["copies"] for h in collapsed["hits"]]  # type: ignore[attr-defined]

    driver.get(driver.current_url)  # type: ignore[attr-defined]
    _ready(driver)
    assert Select(driver.find_element("id", "sort")).first_selected_option.get_attribute(  # type: ignore[attr-defined]
        "value") == "date"
    assert driver.find_element("id", "collapse").is_selected()  # type: ignore[attr-defined]
