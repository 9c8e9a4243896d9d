# Two commands for a learner: `make lab` opens the course, `make test` runs every test.
# Both create the local environment .venv on first use and reuse it afterwards.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: lab test outputs clean

lab: $(STAMP)
	$(BIN)/python -m jupyter lab notebooks

test: $(STAMP)
	$(BIN)/python -m ruff check .
	$(BIN)/python -m pytest

# Re-execute every notebook in a fresh kernel and store its outputs (after changing a
# notebook or the package code it shows); the strict notebook test compares against them.
outputs: $(STAMP)
	$(BIN)/python -m jupyter nbconvert --to notebook --execute --inplace notebooks/*.ipynb

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --upgrade pip
	$(BIN)/python -m pip install -e ".[test,reference]"
	touch $(STAMP)

clean:
	rm -rf $(VENV)
