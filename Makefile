# Two commands set everything up on a fresh machine:
#   make run   - venv, install, build the embedded model and the index if missing, start the app
#   make test  - venv, install, build the model if missing, run every test (slow group included)
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed-$(shell cat requirements.txt requirements-dev.txt | sha1sum | cut -c1-12)

.PHONY: install model index run test test-fast lint browser fonts bench formats-bench load clean-index milvus-server

# The venv takes about 3 GB (torch's CPU build is most of it). pip's own message when the
# disk fills mid-install ("OSError: [Errno 28]") does not say how much was needed, so say
# it first; a warning, not a refusal, since a venv half-installed already needs less.
NEED_KB := 3500000
$(STAMP): requirements.txt requirements-dev.txt
	@free_kb=$$(df -Pk . | awk 'NR==2 {print $$4}'); \
	  if [ -n "$$free_kb" ] && [ "$$free_kb" -lt $(NEED_KB) ]; then \
	    echo "warning: $$((free_kb / 1024)) MB free here; installing the venv needs about 3.5 GB." \
	         "Free some space (old clones, /tmp) if pip stops with 'No space left on device'." >&2; \
	  fi
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements-dev.txt
	rm -f $(VENV)/.installed-* && touch $(STAMP)

install: $(STAMP)

model: install
	$(BIN)/python -m qa model

index: model
	$(BIN)/python -m qa build --if-needed

run: index
	$(BIN)/python app.py

# Debian's Chromium for the browser test (Playwright's own download cannot work here).
browser:
	@if ! command -v chromium >/dev/null 2>&1 || ! dpkg -s fonts-wqy-zenhei >/dev/null 2>&1; then \
	  (apt-get update -qq && apt-get install -y -qq chromium chromium-driver fonts-wqy-zenhei >/dev/null) \
	  || echo "warning: could not install chromium; the browser test will be skipped"; \
	fi

# The CJK font the format tests render 公文 PDFs, scans and OFDs with (Debian's).
fonts:
	@dpkg -s fonts-wqy-zenhei >/dev/null 2>&1 || \
	  (apt-get update -qq && apt-get install -y -qq fonts-wqy-zenhei >/dev/null) || \
	  echo "warning: could not install fonts-wqy-zenhei; the format tests will fail"

test: model browser fonts
	$(BIN)/python -m pytest -q

test-fast: install fonts
	$(BIN)/python -m pytest -q -m "not slow"

lint: install
	$(BIN)/ruff check .
	$(BIN)/mypy qa eval app.py scripts

bench: model
	$(BIN)/python -m eval.bench

# Every corpus document as text PDF, scan, OFD and web page vs its .txt (OCR: minutes).
formats-bench: install fonts
	$(BIN)/python -m eval.formats_bench

load: index
	$(BIN)/python scripts/load_test.py

# A local Milvus server (Milvus Lite) that several app replicas share; then run each with
# QA_STORE=milvus QA_MILVUS_URI=http://127.0.0.1:19530 (README, "Milvus"). The tests
# start their own.
milvus-server: install
	$(BIN)/milvus-lite server --data-dir index/milvus-server --host 127.0.0.1 --port 19530

clean-index:
	rm -rf index/manifest.json index/builds
