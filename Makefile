# policybrief: every target sets up what it needs from scratch (virtualenv, Python packages, Debian fonts).
PY      ?= python3
VENV    := .venv
BIN     := $(VENV)/bin
STAMP   := $(VENV)/.installed
SEED    := seeds/china-russia-partnership.txt

.PHONY: briefs test golden bench lint clean system-deps

briefs: $(STAMP)  ## Build the sample briefs for every audience (.docx and .pdf) into briefs/
	$(BIN)/policybrief build $(SEED) --all --format docx,pdf --out briefs

test: $(STAMP)  ## Run the test suite: lint, types, tests
	$(BIN)/ruff check src tests bench
	$(BIN)/mypy --strict src
	$(BIN)/pytest

golden: $(STAMP)  ## Regenerate tests/golden/ (each sample brief as JSON and Markdown) after an intended change
	$(BIN)/python tests/golden_briefs.py

bench: $(STAMP)  ## Print the benchmark figures
	$(BIN)/python bench/headings.py
	$(BIN)/python bench/summary_speed.py
	$(BIN)/python bench/rouge_eval.py
	$(BIN)/python bench/findings_eval.py
	$(BIN)/python bench/corpus_build.py
	$(BIN)/python bench/page_fit.py
	$(BIN)/python bench/render_speed.py
	$(BIN)/python bench/build_speed.py
	$(BIN)/python bench/hostile.py

system-deps:  ## Debian packages: CJK and Korean fonts for PDFs, poppler for looking at pages (skipped when not root/apt)
	@if ! [ -f /usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf ] || ! [ -f /usr/share/fonts/truetype/nanum/NanumGothic.ttf ] \
	    || ! command -v pdftoppm >/dev/null; then \
	  if command -v apt-get >/dev/null && [ "$$(id -u)" = 0 ]; then \
	    (apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq fonts-droid-fallback fonts-nanum poppler-utils >/dev/null) \
	      || echo "warning: could not install fonts-droid-fallback/fonts-nanum/poppler-utils; CJK and Korean text in PDFs will need fonts"; \
	  else echo "note: install fonts-droid-fallback and fonts-nanum for CJK and Korean glyphs in PDFs"; fi; \
	fi

$(STAMP): pyproject.toml
	$(MAKE) --no-print-directory system-deps
	test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -e '.[test,bench]'
	touch $(STAMP)

clean:
	rm -rf $(VENV) briefs/*/ .pytest_cache .ruff_cache
