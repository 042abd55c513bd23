# Developer and CI entry points. CI runs .ci/run, which calls these targets.

SHELL := bash
# pipefail: `go test ... | tee` must fail when the tests fail.
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
GOLANGCI_VERSION := v2.6.2
GOLANGCI := $(shell $(GO) env GOPATH)/bin/golangci-lint
PKGS ?= ./...
TEST_TIMEOUT ?= 12m
BENCHTIME ?= 1s
BENCH_OUT ?= bench.out

.PHONY: run build test lint generate check-schemas bench

# The binary reads WEBOS_DATA_DIR, WEBOS_ADDR and the other WEBOS_* twins
# of its flags itself; make passes the environment through unchanged.
run:
	$(GO) run -ldflags "-X main.version=$(VERSION)" ./cmd/webos serve --demo

build:
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/webos ./cmd/webos

test:
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)

# Installs the pinned golangci-lint when it is missing or another version,
# so every machine lints with the same rules.
lint:
	@if ! "$(GOLANGCI)" version 2>/dev/null | grep -q "version $(GOLANGCI_VERSION:v%=%) "; then \
		echo "installing golangci-lint $(GOLANGCI_VERSION)"; \
		$(GO) install github.com/golangci/golangci-lint/v2/cmd/golangci-lint@$(GOLANGCI_VERSION); \
	fi
	"$(GOLANGCI)" run ./...
	$(GO) vet ./...

generate:
	$(GO) run ./cmd/webos schemas --out schemas

# The committed schemas must be what the code generates: a changed or a new
# file means someone forgot `make generate`.
check-schemas: generate
	@git diff --exit-code -- schemas/ || { echo "schemas/ is stale: run make generate and commit"; exit 1; }
	@untracked="$$(git ls-files --others --exclude-standard -- schemas/)"; \
	if [ -n "$$untracked" ]; then \
		echo "schemas/ has files not in git (run make generate and commit):"; echo "$$untracked"; exit 1; \
	fi

# Results go to $(BENCH_OUT) for docs/benchmarks.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count=1 $(PKGS) | tee $(BENCH_OUT)
