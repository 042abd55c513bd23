# Developer and CI entry points. CI runs .ci/run, which calls these targets.

SHELL := bash
# pipefail: `go test ... | tee` must fail when the tests fail.
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := build

GO ?= go
VERSION ?= $(shell git describe --always --dirty 2>/dev/null || echo dev)
GOLANGCI_VERSION := v2.6.2
GOLANGCI := $(shell $(GO) env GOPATH)/bin/golangci-lint
GOVULNCHECK_VERSION := v1.9.0
# Set to 1 where the vulnerability database must be checked (a release
# pipeline): then an unreachable vuln.go.dev fails instead of skipping.
VULNCHECK_REQUIRED ?=
# The systems cmd/webos must build on; `make cross` builds and vets each.
CROSS_OS := linux darwin windows
PKGS ?= ./...
TEST_TIMEOUT ?= 12m
BENCHTIME ?= 1s
BENCH_OUT ?= bench.out

.PHONY: run build test lint generate check-schemas bench tidy-check cross vulncheck

# The binary reads WEBOS_DATA_DIR, WEBOS_ADDR and the other WEBOS_* twins
# of its flags itself; make passes the environment through unchanged.
run:
	$(GO) run -ldflags "-X main.version=$(VERSION)" ./cmd/webos serve --demo

build:
	$(GO) build -trimpath -ldflags "-X main.version=$(VERSION)" -o bin/webos ./cmd/webos

# The RabbitMQ fault test runs without the race detector too: the
# watermill-amqp reconnection races on its own (adapters/bus/amqp/fault_test.go).
test:
	$(GO) test -race -count=1 -timeout $(TEST_TIMEOUT) $(PKGS)
	$(GO) test -count=1 -timeout $(TEST_TIMEOUT) -run '^TestFault$$' ./adapters/bus/amqp/

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

# go.mod and go.sum must be what `go mod tidy` makes of the imports.
tidy-check:
	@$(GO) mod tidy -diff || { echo "go.mod/go.sum are not tidy: run go mod tidy and commit"; exit 1; }

# Cross-builds and vets for every supported system, so a unix-only call
# (syscall.Flock) cannot slip in unnoticed.
cross:
	@for os in $(CROSS_OS); do \
		echo "GOOS=$$os go build ./cmd/webos && go vet ./..."; \
		GOOS=$$os $(GO) build -o /dev/null ./cmd/webos; \
		GOOS=$$os $(GO) vet ./...; \
	done

# Known vulnerabilities in the code paths we call (pinned govulncheck). It
# needs the database at vuln.go.dev; where that is unreachable it says so
# loudly and skips, unless VULNCHECK_REQUIRED=1.
vulncheck:
	@if timeout 10 bash -c '</dev/tcp/vuln.go.dev/443' 2>/dev/null; then \
		$(GO) run golang.org/x/vuln/cmd/govulncheck@$(GOVULNCHECK_VERSION) ./...; \
	elif [ "$(VULNCHECK_REQUIRED)" = 1 ]; then \
		echo "govulncheck: vuln.go.dev is not reachable and VULNCHECK_REQUIRED=1"; exit 1; \
	else \
		echo "!!!!!!!! govulncheck SKIPPED: vuln.go.dev is not reachable from this machine."; \
		echo "!!!!!!!! No vulnerability check was done. Run make vulncheck where it is."; \
	fi

# Results go to $(BENCH_OUT) for docs/benchmarks.md.
bench:
	$(GO) test -run '^$$' -bench . -benchmem -benchtime $(BENCHTIME) -count=1 $(PKGS) | tee $(BENCH_OUT)
