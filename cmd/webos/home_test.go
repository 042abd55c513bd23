package main

import (
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/webos-engine/webos/adapters/eventstore/memory"
	rmmemory "github.com/webos-engine/webos/adapters/readmodel/memory"
	"github.com/webos-engine/webos/application"
)

// brokenModule fails to register with the kind of text a registration
// error carries: a Go type name and a file path.
type brokenModule struct{}

func (brokenModule) Manifest() application.Manifest {
	return application.Manifest{Name: "broken", Version: "1.0.0"}
}

func (brokenModule) Register(*application.Registrar) error {
	return errors.New("jsonschema: broken.Cmd: chan int is not supported (/src/broken/cmd.go)")
}

// The home page says a module failed, not why: the cause, logged when
// the module failed, may name Go types, files or a driver's text.
func TestHomePageHidesAFailedModulesCause(t *testing.T) {
	app := application.New(application.Deps{Events: memory.New(), ReadModels: rmmemory.New()})
	app.Load(brokenModule{})
	p := (&engine{app: app}).homePage(httptest.NewRequest("GET", "/", http.NoBody))
	if len(p.Modules) != 1 || p.Modules[0].Status != application.StatusFailed ||
		strings.Contains(p.Modules[0].Error, "chan int") || p.Modules[0].Error == "" {
		t.Fatalf("home page modules: %+v", p.Modules)
	}
}
