# Thin wrappers: the logic lives in scripts/ so it also works without make.
# ARGS is passed through, e.g. `make test ARGS='-R healthz'` (arguments for ctest).
ARGS ?=

.DEFAULT_GOAL := build
.PHONY: run test build clean bench soak format fuzz test-sqlmap

run:
	bash scripts/run.sh

test:
	bash scripts/test.sh $(ARGS)

build:
	bash scripts/build.sh

# Build trees only; var/ holds the private database and the JWT secret and stays.
clean:
	rm -rf build build-asan build-*/

bench soak:
	@if [ -f scripts/$@.sh ]; then \
		exec bash scripts/$@.sh $(ARGS); \
	else \
		echo "make $@: not yet implemented" >&2; exit 1; \
	fi

format:
	bash scripts/format.sh

fuzz:
	bash scripts/fuzz.sh $(ARGS)

# sqlmap against every query parameter, the item key and a write body; fails on any finding.
test-sqlmap:
	bash scripts/sqlmap.sh $(ARGS)
