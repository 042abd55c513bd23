package main

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"log/slog"
	"net/url"
	"path/filepath"
	"strings"

	"github.com/webos-engine/webos/adapters/readmodel/mongodb"
	rmsqlite "github.com/webos-engine/webos/adapters/readmodel/sqlite"
	"github.com/webos-engine/webos/application"
)

// readModelsURL is the value of --readmodels: where the read models live.
// Empty means readmodels.db in the data dir.
type readModelsURL string

// defaultReadModels is how help shows the empty value.
const defaultReadModels = "sqlite://DIR/readmodels.db (DIR: --data-dir)"

func (u *readModelsURL) String() string {
	if *u == "" {
		return defaultReadModels
	}
	return string(*u)
}

// Set accepts sqlite://PATH (a file path, relative to the working
// directory) or a mongodb:// or mongodb+srv:// URL; whether the server
// answers is checked when the store opens.
func (u *readModelsURL) Set(v string) error {
	switch {
	case strings.HasPrefix(v, "sqlite://") && len(v) > len("sqlite://"):
	case strings.HasPrefix(v, "mongodb://"), strings.HasPrefix(v, "mongodb+srv://"):
		if _, err := url.Parse(v); err != nil {
			return errors.New("malformed mongodb URL")
		}
	default:
		return errors.New("want sqlite://PATH or mongodb://HOST[:PORT]/DATABASE")
	}
	*u = readModelsURL(v)
	return nil
}

// registerReadModels adds --readmodels (WEBOS_READMODELS) to the commands
// that open the read models.
func (c *commonFlags) registerReadModels(fs *flag.FlagSet) {
	fs.Var(&c.readModels, "readmodels", "`URL` of the read-model store: sqlite://PATH, or mongodb://HOST[:PORT]/DATABASE "+
		"for MongoDB or FerretDB")
}

// openReadModels opens the read-model store c names. A SQLite file that
// is damaged is moved aside and started afresh (openDerived); a MongoDB
// server that does not answer within the server selection timeout (5 s
// unless the URL sets serverSelectionTimeoutMS) is an error naming it,
// without its password.
func openReadModels(ctx context.Context, c commonFlags, log *slog.Logger) (application.ReadModelStore, error) {
	raw := string(c.readModels)
	if raw == "" || strings.HasPrefix(raw, "sqlite://") {
		path := strings.TrimPrefix(raw, "sqlite://")
		if raw == "" {
			path = filepath.Join(c.dataDir, "readmodels.db")
		}
		return openDerived(path, rmsqlite.Open, log)
	}
	s, err := mongodb.Open(ctx, raw)
	if err != nil {
		return nil, fmt.Errorf("read-model store %s is unreachable: %w", redact(raw), err)
	}
	return s, nil
}

// readModelsName names the read-model store in messages: its file, or its
// URL without the password.
func readModelsName(c commonFlags) string {
	switch raw := string(c.readModels); {
	case raw == "":
		return filepath.Join(c.dataDir, "readmodels.db")
	case strings.HasPrefix(raw, "sqlite://"):
		return strings.TrimPrefix(raw, "sqlite://")
	default:
		return redact(raw)
	}
}

// redact drops the password of a URL.
func redact(raw string) string {
	u, err := url.Parse(raw)
	if err != nil {
		return "the given URL"
	}
	return u.Redacted()
}
