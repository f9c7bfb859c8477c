# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= news-index

.PHONY: demo test test-fast install lint clean

$(BIN)/newsfacet: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/newsfacet

demo: install
	$(BIN)/newsfacet index seeds/ --index $(INDEX)   # text files, a WARC archive and an RSS feed
	$(BIN)/newsfacet stats --index $(INDEX)
	$(BIN)/newsfacet search "air strikes" --country Russia --person "Sergei Shoigu" --index $(INDEX)
	$(BIN)/newsfacet search --country Syria --limit 3 --index $(INDEX)
	$(BIN)/newsfacet facets people "election" --top 10 --index $(INDEX)
	$(BIN)/newsfacet search "Van Halen" --index $(INDEX)          # a page from seeds/web/*.warc.gz

test: install
	$(BIN)/python -m pytest -q

# The edit-run loop: everything but the slow subprocess/kill tests and the browser.
test-fast: install
	$(BIN)/python -m pytest -q -m "not slow and not browser"

lint: install
	$(BIN)/ruff check index search cli tests benchmarks
	$(BIN)/mypy --strict index search
	$(BIN)/mypy cli

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .hypothesis
