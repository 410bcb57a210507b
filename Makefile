# Two commands do all set-up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV   ?= .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

# Compiled message catalogs (build output; bot/i18n.py compiles a missing or outdated one in memory).
PO     := $(wildcard bot/locale/*/LC_MESSAGES/govbot.po)
MO     := $(PO:.po=.mo)

.PHONY: run test lint format install clean messages browser proxy

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	$(BIN)/pybabel compile -d bot/locale -D govbot
	touch $(STAMP)

install: $(STAMP) $(MO)

bot/locale/%/LC_MESSAGES/govbot.mo: bot/locale/%/LC_MESSAGES/govbot.po | $(STAMP)
	$(BIN)/pybabel compile -D govbot -l $* -i $< -o $@

# Where message ids are written in the code (tests/unit/test_i18n_catalogs.py reads the same calls).
KEYWORDS := -k t -k _ -k ko_en -k AuthoringRefused -k LocalizedValueError -k PackageError -k both -k LimitExceeded -k SheetError -k Command:3

# Refresh the template from the literal ids in the code, add ids missing from the .po files with an empty msgstr
# (the i18n test fails until both languages are filled in), compile.
messages: $(STAMP)
	$(BIN)/pybabel extract --no-location --omit-header $(KEYWORDS) -o bot/locale/govbot.pot bot adapters assistants
	$(BIN)/python -m bot.i18n add-missing bot/locale/govbot.pot
	$(BIN)/pybabel compile -d bot/locale -D govbot

run: $(STAMP) $(MO)
	$(BIN)/govbot db upgrade
	$(BIN)/govbot serve

# The admin console's browser tests drive Debian's chromium through Playwright (never a browser Playwright downloads).
# Nanum fonts so Korean text renders in screenshots. Installed here when missing and apt-get is usable (CI runs as root); elsewhere those tests skip and say why.
CHROMIUM := /usr/bin/chromium
browser:
	@test -x $(CHROMIUM) -a -d /usr/share/fonts/truetype/nanum || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum >/dev/null 2>&1 || \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium fonts-nanum; }; \
	  else echo "chromium is not installed and apt-get cannot be used here: the browser tests will skip"; fi; }

# The front-door test (tests/integration/test_deploy_proxy.py) runs deploy/Caddyfile with Debian's caddy: installed
# here when missing and apt-get is usable; if it cannot be, that test skips and says why (the rest still runs).
proxy:
	@command -v caddy >/dev/null || { if [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null 2>&1 || \
	  { apt-get update -qq >/dev/null 2>&1 && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq caddy >/dev/null 2>&1; } || \
	  echo "caddy could not be installed: the front-door test will skip"; \
	  else echo "caddy is not installed and apt-get cannot be used here: the front-door test will skip"; fi; }

test: $(STAMP) $(MO) browser proxy
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

format: $(STAMP)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

clean:
	rm -rf $(VENV) govbot.db $(MO)
