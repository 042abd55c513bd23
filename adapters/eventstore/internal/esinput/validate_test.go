package esinput

import (
	"errors"
	"testing"

	"github.com/webos-engine/webos/domain"
)

func TestValidate(t *testing.T) {
	ok := domain.Envelope{ID: "e1", Type: "t", Actor: "a\u00e9", Data: []byte(`{"b":1,"a":"\u00e9"}`)}
	if err := Validate("s", domain.AnyVersion, []domain.Envelope{ok}); err != nil {
		t.Fatalf("valid input: %v", err)
	}
	bad := map[string]func(*domain.Envelope) (string, domain.ExpectedVersion){
		"empty stream":     func(*domain.Envelope) (string, domain.ExpectedVersion) { return "", 0 },
		"NUL in stream":    func(*domain.Envelope) (string, domain.ExpectedVersion) { return "s\x00", 0 },
		"bad expected":     func(*domain.Envelope) (string, domain.ExpectedVersion) { return "s", -2 },
		"no id":            func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.ID = ""; return "s", 0 },
		"no type":          func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.Type = ""; return "s", 0 },
		"NUL in causer":    func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.CausationID = "c\x00"; return "s", 0 },
		"NUL in tenant":    func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.Tenant = "\x00"; return "s", 0 },
		"bad UTF-8 stream": func(*domain.Envelope) (string, domain.ExpectedVersion) { return "s\xff", 0 },
		"bad UTF-8 actor":  func(e *domain.Envelope) (string, domain.ExpectedVersion) { e.Actor = "\xc3"; return "s", 0 },
		"bad UTF-8 trace key": func(e *domain.Envelope) (string, domain.ExpectedVersion) {
			e.TraceContext = map[string]string{"\xff": "v"}
			return "s", 0
		},
		"bad UTF-8 in data": func(e *domain.Envelope) (string, domain.ExpectedVersion) {
			e.Data = []byte("{\"a\":\"\xff\"}")
			return "s", 0
		},
		"lone surrogate": func(e *domain.Envelope) (string, domain.ExpectedVersion) {
			e.Data = []byte(`["\udfff"]`)
			return "s", 0
		},
		"duplicate key": func(e *domain.Envelope) (string, domain.ExpectedVersion) {
			e.Data = []byte(`{"a":1,"a":2}`)
			return "s", 0
		},
		"unsafe integer": func(e *domain.Envelope) (string, domain.ExpectedVersion) {
			e.Data = []byte(`{"a":9007199254740993}`)
			return "s", 0
		},
	}
	for name, mutate := range bad {
		e := ok
		stream, expected := mutate(&e)
		if err := Validate(stream, expected, []domain.Envelope{ok, e}); !errors.Is(err, domain.ErrInvalid) {
			t.Errorf("%s: err %v, want invalid", name, err)
		}
	}
}

// TestValidatePointsAtTheField checks that a refusal names the event and
// field at fault, so the caller's error says what to fix.
func TestValidatePointsAtTheField(t *testing.T) {
	evs := []domain.Envelope{
		{ID: "e1", Type: "t", Data: []byte(`{}`)},
		{ID: "e2", Type: "t", Data: []byte(`{}`), TraceContext: map[string]string{"tracestate": "vendor=\xff"}},
	}
	var de *domain.Error
	if err := Validate("s", domain.AnyVersion, evs); !errors.As(err, &de) || len(de.Fields) != 1 || de.Fields[0].Pointer != "/1/traceContext" {
		t.Fatalf("got %#v", err)
	}
	evs[1].TraceContext, evs[1].Data = nil, []byte(`{"n":1e400}`)
	if err := Validate("s", domain.AnyVersion, evs); !errors.As(err, &de) || de.Fields[0].Pointer != "/1/data" {
		t.Fatalf("got %#v", err)
	}
}
