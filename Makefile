# ncloud.wbd developer commands. Everything runs from pinned venvs cached under
# $${XDG_CACHE_HOME:-~/.cache}/ncloud-wbd-ci (keyed by a hash of requirements/*.txt).
SHELL := /bin/bash
.DEFAULT_GOAL := help

# make audit ARGS=-v  passes extra arguments to ansible-playbook
ARGS ?=
# make test STEPS="sanity units"  runs only some steps (tools/test.sh --list)
STEPS ?= all
# make integration TARGETS="detection_info quarantine_info"  runs only those integration targets
TARGETS ?=

.PHONY: help audit bench bench-smoke molecule test lint sanity units units-fast integration build compat venv steps clean clean-cache

help: ## list the targets
	@grep -E '^[a-z][a-z-]*:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

audit: ## the main job: ncloud.wbd.audit against the local sandbox, reports in build/reports (tools/audit.sh)
	@bash tools/audit.sh $(ARGS)

bench: ## performance: fetch, lean results vs floors, audit scale, memory, reports against the sandbox (tools/bench.py; ~20 min); ARGS="--runs 5" or "--only lean"
	@bash -c '. tools/lib.sh && v="$$(wbd_ensure_venv requirements/dev.txt)" && "$$v/bin/python" tools/bench.py $(ARGS)'

bench-smoke: ## the benchmark at tiny sizes (seconds; checks counts, never times; part of make test)
	@bash tools/test.sh bench-smoke

test: ## run every check (tools/test.sh; what CI runs); STEPS="..." for a subset
	@bash tools/test.sh $(STEPS)

lint: ## ruff + function size, yamllint, ansible-lint (production), changelog lint, docs lint, antsibull-nox extra checks
	@bash tools/test.sh lint

sanity: ## ansible-test sanity on the pinned ansible-core 2.19 / Python 3.11
	@bash tools/test.sh sanity

units: ## ansible-test units on the pinned ansible-core 2.19 / Python 3.11
	@bash tools/test.sh units

units-fast: ## plain pytest on tests/unit (seconds; no ansible-test)
	@bash tools/units-fast.sh $(ARGS)

integration: ## ansible-test integration on ansible-core 2.19 / Python 3.11; TARGETS="a b" for some targets
	@WBD_TARGETS="$(TARGETS)" bash tools/test.sh integration

molecule: ## molecule scenario 'audit' (roles against the sandbox; HTML report screenshot in tests/output/molecule)
	@bash tools/test.sh molecule

build: ## build the collection tarball, install it to a temp dir, check ansible-doc
	@bash tools/test.sh build-install

compat: ## sanity + units on ansible-core 2.16, 2.17, 2.18 (Py 3.11), 2.20 (Py 3.12) and the newest (Py 3.13)
	@bash tools/test.sh compat

venv: ## create/refresh the cached venvs and print their paths
	@bash -c '. tools/lib.sh && for r in requirements/*.txt; do wbd_ensure_venv "$$r" || exit 1; done'

steps: ## list tools/test.sh steps and groups
	@bash tools/test.sh --list

clean: ## remove build outputs inside the repo (tests/output, build/, tarballs, caches)
	rm -rf tests/output build .ansible collections .pytest_cache .hypothesis tests/integration/inventory
	rm -f ncloud-wbd-*.tar.gz

clean-cache: ## remove the cached venvs
	rm -rf "$${WBD_CACHE_DIR:-$${XDG_CACHE_HOME:-$$HOME/.cache}/ncloud-wbd-ci}"
