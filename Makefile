# The README's commands. Needs only python3 (3.11) and make; everything else is installed here.
PYTHON ?= python3
UV := .tools/bin/uv
PY := .venv/bin/python
export UV_PROJECT_ENVIRONMENT := .venv

.PHONY: install run test lint imports types check clean

$(UV):
	$(PYTHON) -m venv .tools
	.tools/bin/pip install --quiet uv

.venv/.synced: $(UV) pyproject.toml uv.lock
	$(UV) sync --frozen --python $(PYTHON)
	touch $@

install: .venv/.synced

# bin/serve serves as production does: DEBUG off (the Chinese 403/404/500 pages), static files
# collected with hashed names and gzip copies. DJANGO_DEBUG=1 make run turns DEBUG on.
run: install
	$(PY) manage.py migrate --noinput
	$(PY) manage.py seed --demo
	PEIKAO_SIMULATE_DEVICES=1 bin/serve

test: install
	$(PY) -m pytest $(PYTEST_ARGS)

lint: install
	.venv/bin/ruff check .
	.venv/bin/ruff format --check .

# The direction of imports between the apps (.importlinter).
imports: install
	.venv/bin/lint-imports --no-cache

types: install
	.venv/bin/mypy .

check: lint imports types test

clean:
	rm -rf .venv .tools var
