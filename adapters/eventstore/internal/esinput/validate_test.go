package esinput

import (
	"errors"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestValidate(t *testing.T) {
	ok := domain.Envelope{ID: "e1", Type: "t", Actor: "a\u00e9"}
	if err := Validate("s", domain.AnyVersion, []domain.Envelope{ok}); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	bad := map[string]func(*domain.Envelope) (string, domain.ExpectedVersion){
		"empty stream":  func(*domain.Envelope) (string, domain.ExpectedVersion) { return "", 0 },
		"NUL in stream": func(*domain.Envelope) (string, domain.ExpectedVersion) { return "s\x00", 0 },
		"bad expected":  func(*domain.Envelope) (string, domain.ExpectedVersion) { return "s", -2 },
		"no id":         func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.ID = ""; return "s", 0 },
		"no type":       func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.Type = ""; return "s", 0 },
		"NUL in causer": func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.CausationID = "c\x00"; return "s", 0 },
		"NUL in tenant": func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.Tenant = "\x00"; return "s", 0 },
	}
	for name, mutate := range bad {
		e := ok
		stream, expected := mutate(&e)
		if err := Validate(stream, expected, []domain.Envelope{ok, e}); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: err %v, want invalid", name, err)
		}
	}
}
