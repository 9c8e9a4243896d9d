# Two commands for a learner: `make lab` opens the course, `make test` runs every test.
# Both create the local environment .venv on first use and reuse it afterwards.
# `make test` also opens every notebook in JupyterLab in headless Chromium
# (tests/test_browser.py); without the system `chromium` that test is skipped, except
# under CI=true, where it fails. Leave it out with: .venv/bin/python -m pytest -m "not browser"
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test outputs translations student site slides clean

# JupyterLab on the contents page; as root too. Pass options with LAB_ARGS, e.g.
# make lab LAB_ARGS="--ip=0.0.0.0 --no-browser" to reach it from another machine, or
# LAB_ARGS="--folder student_edition" for the student edition (a later --folder wins).
# The launcher is the package's own, the one the student edition uses.
lab: $(STAMP)
	$(BIN)/python -m course_utils.lab --folder notebooks $(LAB_ARGS)

test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

# Re-execute every notebook in a fresh kernel and store its outputs (after changing a
# notebook or the package code it shows); the strict notebook test compares against them.
# The Japanese lessons are rebuilt with the new outputs.
outputs: $(STAMP)
	$(BIN)/python -m jupyter nbconvert --to notebook --execute --inplace \
		--ExecutePreprocessor.store_widget_state=False notebooks/*.ipynb
	$(BIN)/python tools/translations.py build

# The Japanese edition (notebooks/ja/, README.ja.md) from the English files and the gettext
# catalogues translations/ja/*.po: update brings the catalogues in step with the English
# (new entries empty, changed ones marked fuzzy), build writes the Japanese files and refuses
# while an entry is empty or fuzzy. See CONTRIBUTING.md, "Translating".
translations: $(STAMP)
	$(BIN)/python tools/translations.py update
	$(BIN)/python tools/translations.py build

# For handing out: student_edition/ and student_edition.zip, the lessons without their worked
# solutions (cells tagged `solution`), the package's wheel with the data (built offline) and
# a README with the commands that set it up and open it; see tools/student_edition.py.
student: $(STAMP)
	$(BIN)/python tools/student_edition.py student_edition

# The course as a website that reads offline (Sphinx, tools/site/conf.py), from the stored
# outputs without running a notebook: open _site/index.html. The Japanese site, from
# notebooks/ja/, is _site/ja/; every page links the same page in the other language.
# Rebuilt from scratch each time.
site: $(STAMP)
	rm -rf _site
	$(BIN)/python tools/build_site.py _site

# Every lesson as an offline reveal.js slideshow on a 1280x720 canvas: open _slides/index.html.
# The Japanese slideshows are in _slides/ja/ (one shared _static/); each links the other language.
slides: $(STAMP)
	$(BIN)/python tools/build_slides.py _slides

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test,reference,teach]"
	touch $(STAMP)

clean:
	rm -rf $(VENV)
