# Two entry points on a fresh machine: `make demo` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
INDEX ?= news-index

.PHONY: demo test install lint clean

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

lint: install
	$(BIN)/ruff check index search cli tests benchmarks
	$(BIN)/mypy index search cli

clean:
	rm -rf $(VENV) $(INDEX) .pytest_cache .hypothesis
