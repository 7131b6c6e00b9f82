# CarDeck: two commands on a fresh machine.
#   make demo   set up, start the head unit headless, run examples/quickstart.py, stop it,
#               and draw a contact sheet of every bundled vehicle (out/contact-sheet.png)
#   make test   set up and run the whole test suite
# More: make bench, make lint, make proto, make docs.

VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.setup-done
# The released kuksa-client in a venv of its own; scripts/setup-kuksa.sh names the pin.
KUKSA_STAMP := .venv-kuksa/.setup-done
BUF    := node_modules/.bin/buf

.PHONY: setup demo test fuzz bench lint layers locales locales-check proto proto-check buf-lint buf-breaking docs docs-check clean

$(STAMP): pyproject.toml setup.py sdk/cardeck/_event_type.c package-lock.json scripts/setup.sh
	bash scripts/setup.sh
	touch $(STAMP)

# Its own rule, so a removed .venv-kuksa or a new pin does not redo .venv.
$(KUKSA_STAMP): scripts/setup-kuksa.sh | $(STAMP)
	bash scripts/setup-kuksa.sh
	touch $(KUKSA_STAMP)

setup: $(STAMP) $(KUKSA_STAMP)

demo: $(STAMP)
	$(PY) examples/demo.py
	$(PY) -m cardeck.cli layout sheet -o out/contact-sheet.png
	@echo "Contact sheet of every bundled vehicle and display: out/contact-sheet.png"

test: $(STAMP) $(KUKSA_STAMP)
	$(PY) -m pytest

# The long fuzz run (>= 10,000 inputs per target, 0.5 s per input); make test runs a short one.
fuzz: $(STAMP)
	CARDECK_FUZZ=long $(PY) -m pytest tests/fuzz -q -s -p no:randomly

bench: $(STAMP)
	$(PY) bench/run.py

# Message catalogs: extract, update the translations, generate en-XA and ar-XB, compile.
locales: $(STAMP)
	$(PY) tools/locales.py

locales-check: $(STAMP)
	$(PY) tools/locales.py --check

proto: $(STAMP)
	$(PY) tools/genproto.py

proto-check: $(STAMP)
	$(PY) tools/genproto.py --check

buf-lint: $(STAMP)
	$(BUF) lint

# Guards v1 against breaking changes, in three runs (see docs/compatibility.md).
# Each reviewed exception covers only the changes up to the commit that made it:
# 1. since the commit that introduced v1, with buf.yaml's rules (FILE, repeated in
#    V1_CONFIG) except RPC_SAME_IDEMPOTENCY_LEVEL (issue 15: the rpcs gained
#    `option idempotency_level` once) and the FILE_SAME_* file options (issue 19:
#    the files gained java_package, go_package, ... once).
# 2. since the commit that introduced the levels, with every rule except the
#    file options.
# 3. since the commit that introduced the file options, with every rule: changing
#    a level or a file option later fails like any other breaking change.
# Wire format and JSON are unchanged by both; only generated code's names and the
# descriptors' metadata are new.
V1_BASE      := git log --diff-filter=A --format=%H -- protos/cardeck/v1/types.proto | tail -1
LEVEL_BASE   := git log -S"option idempotency_level" --format=%H -- protos/cardeck/v1 | tail -1
OPTIONS_BASE := git log -S"option java_package" --format=%H -- protos/cardeck/v1 | tail -1
FILE_OPTION_RULES := "FILE_SAME_CSHARP_NAMESPACE","FILE_SAME_GO_PACKAGE","FILE_SAME_JAVA_MULTIPLE_FILES","FILE_SAME_JAVA_OUTER_CLASSNAME","FILE_SAME_JAVA_PACKAGE","FILE_SAME_OBJC_CLASS_PREFIX","FILE_SAME_PHP_NAMESPACE","FILE_SAME_RUBY_PACKAGE","FILE_SAME_SWIFT_PREFIX"
V1_CONFIG     := {"version":"v2","modules":[{"path":"protos"}],"breaking":{"use":["FILE"],"except":["RPC_SAME_IDEMPOTENCY_LEVEL",$(FILE_OPTION_RULES)]}}
LEVEL_CONFIG  := {"version":"v2","modules":[{"path":"protos"}],"breaking":{"use":["FILE"],"except":[$(FILE_OPTION_RULES)]}}

buf-breaking: $(STAMP)
	$(BUF) breaking --against ".git#ref=$$($(V1_BASE))" --config '$(V1_CONFIG)'
	@base="$$($(LEVEL_BASE))"; if [ -n "$$base" ]; then \
	  echo "$(BUF) breaking --against .git#ref=$$base (file options excepted)"; \
	  $(BUF) breaking --against ".git#ref=$$base" --config '$(LEVEL_CONFIG)'; \
	else echo "buf-breaking: no commit declares idempotency levels yet; run 2 skipped."; fi
	@base="$$($(OPTIONS_BASE))"; if [ -n "$$base" ]; then \
	  echo "$(BUF) breaking --against .git#ref=$$base"; \
	  $(BUF) breaking --against ".git#ref=$$base"; \
	else echo "buf-breaking: no commit declares the file options yet; run 3 skipped."; fi

docs: $(STAMP)
	$(PY) tools/apidoc.py

docs-check: $(STAMP)
	$(PY) tools/apidoc.py --check

# Every import of cardeck and cardeck_sim against the declared layers (tools/check_layers.py).
layers: $(STAMP)
	$(PY) tools/check_layers.py

lint: buf-lint buf-breaking proto-check docs-check layers locales-check
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

clean:
	rm -rf $(VENV) .venv-kuksa node_modules build dist *.egg-info sdk/*.egg-info
