# The two commands in README.md: `make run` and `make test`. Both set everything up first.
.PHONY: setup run test services help
SHELL := /bin/bash

help:
	@echo "make run   - set up everything and run Sakot (http://localhost:8000)"
	@echo "make test  - set up everything and run the whole test suite"

setup:
	@scripts/setup.sh

services:
	@scripts/ensure_services.sh

run: setup services
	@.venv/bin/sakot up

test: setup services
	@echo "== Test suite (pytest)"
	@.venv/bin/pytest $(PYTEST_ARGS)
