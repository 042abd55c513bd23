package jsonschema

import (
	"errors"
	"reflect"
	"sync"
	"testing"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

var _ application.SchemaValidator = (*Validator)(nil)

const validBody = `{"sku":"AB-1","quantity":5,"location":{"bin":"A1"},"lines":[{"qty":1}],"at":"2025-01-02T03:04:05Z"}`

func newTestValidator(t testing.TB) *Validator {
	t.Helper()
	v := NewValidator()
	if err := v.Add("warehouse.ReceiveStock", reflect.TypeFor[receiveStock]()); err != nil {
		t.Fatal(err)
	}
	return v
}

func TestValidatorAcceptsValidBody(t *testing.T) {
	v := newTestValidator(t)
	for _, body := range []string{validBody, `{"sku":"X","quantity":1000000000,"location":{"bin":"b"}}`} {
		if err := v.Validate("warehouse.ReceiveStock", []byte(body)); err != nil {
			t.Errorf("%s: %v", body, err)
		}
	}
}

func TestValidatorPointsAtFaults(t *testing.T) {
	v := newTestValidator(t)
	const loc = `"location":{"bin":"A1"}`
	cases := []struct {
		name, body string
		want       []domain.FieldError
	}{
		{"missing", `{"quantity":5,` + loc + `}`, []domain.FieldError{{Pointer: "/sku", Detail: "is required"}}},
		{"extra", `{"sku":"A","quantity":5,"extra":1,` + loc + `}`, []domain.FieldError{{Pointer: "/extra", Detail: "is not allowed"}}},
		{"extra with slash", `{"sku":"A","quantity":5,"a/b":1,` + loc + `}`, []domain.FieldError{{Pointer: "/a~1b", Detail: "is not allowed"}}},
		{"mistyped", `{"sku":"A","quantity":"5",` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be integer, not string"}}},
		{"fraction", `{"sku":"A","quantity":1.5,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be integer, not number"}}},
		{"zero", `{"sku":"A","quantity":0,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be at least 1"}}},
		{"negative", `{"sku":"A","quantity":-3,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be at least 1"}}},
		{"huge exponent", `{"sku":"A","quantity":1e30,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be at most 1000000000"}}},
		{"huge digits", `{"sku":"A","quantity":99999999999999999999,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be at most 1000000000"}}},
		{"just over", `{"sku":"A","quantity":1000000001,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be at most 1000000000"}}},
		{"pattern", `{"sku":"ab c","quantity":5,` + loc + `}`, []domain.FieldError{{Pointer: "/sku", Detail: "must match the pattern ^[A-Z0-9-]+$"}}},
		{"empty string", `{"sku":"","quantity":5,` + loc + `}`, []domain.FieldError{
			{Pointer: "/sku", Detail: "must be at least 1 character long"},
			{Pointer: "/sku", Detail: "must match the pattern ^[A-Z0-9-]+$"},
		}},
		{"null field", `{"sku":"A","quantity":null,` + loc + `}`, []domain.FieldError{{Pointer: "/quantity", Detail: "must be integer, not null"}}},
		{"null body", `null`, []domain.FieldError{{Pointer: "", Detail: "must be object, not null"}}},
		{"bad time", `{"sku":"A","quantity":5,"at":"yesterday",` + loc + `}`, []domain.FieldError{{Pointer: "/at", Detail: "must be a valid date-time"}}},
		{"nested missing", `{"sku":"A","quantity":5,"location":{}}`, []domain.FieldError{{Pointer: "/location/bin", Detail: "is required"}}},
		{"array element", `{"sku":"A","quantity":5,` + loc + `,"lines":[{"qty":1},{"qty":0}]}`, []domain.FieldError{{Pointer: "/lines/1/qty", Detail: "must be at least 1"}}},
		{"int32 overflow", `{"sku":"A","quantity":5,` + loc + `,"lines":[{"qty":2147483648}]}`, []domain.FieldError{{Pointer: "/lines/0/qty", Detail: "must be at most 2147483647"}}},
		{"several", `{"quantity":0,"note":"far too long a note"}`, []domain.FieldError{
			{Pointer: "/location", Detail: "is required"},
			{Pointer: "/note", Detail: "must be at most 10 characters long"},
			{Pointer: "/quantity", Detail: "must be at least 1"},
			{Pointer: "/sku", Detail: "is required"},
		}},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			err := v.Validate("warehouse.ReceiveStock", []byte(c.body))
			var de *domain.Error
			if !errors.As(err, &de) || !errors.Is(err, domain.ErrInvalid) {
				t.Fatalf("want a KindInvalid *domain.Error, got %v", err)
			}
			if de.Message != "the command does not match its schema" {
				t.Errorf("message = %q", de.Message)
			}
			if !reflect.DeepEqual(de.Fields, c.want) {
				t.Errorf("fields = %+v\nwant     %+v", de.Fields, c.want)
			}
		})
	}
}

func TestValidatorRejectsMalformedJSON(t *testing.T) {
	v := newTestValidator(t)
	for _, body := range []string{``, `{"sku":`, `{} {}`} {
		err := v.Validate("warehouse.ReceiveStock", []byte(body))
		if domain.KindOf(err) != domain.KindInvalid {
			t.Errorf("%q: want KindInvalid, got %v", body, err)
		}
	}
}

func TestValidatorUnknownCommand(t *testing.T) {
	err := newTestValidator(t).Validate("warehouse.Nope", []byte(validBody))
	if domain.KindOf(err) != domain.KindNotFound {
		t.Fatalf("want KindNotFound, got %v", err)
	}
}

func TestValidatorAddRefusesBadType(t *testing.T) {
	if err := NewValidator().Add("x.Loop", reflect.TypeFor[node]()); err == nil {
		t.Fatal("want an error for a recursive type")
	}
}

// TestValidatorConcurrent is meant for -race: Add and Validate overlap.
func TestValidatorConcurrent(t *testing.T) {
	v := newTestValidator(t)
	var wg sync.WaitGroup
	for i := range 8 {
		wg.Go(func() {
			if i%4 == 0 {
				if err := v.Add("warehouse.ReceiveStock", reflect.TypeFor[receiveStock]()); err != nil {
					t.Error(err)
				}
			}
			for range 50 {
				if err := v.Validate("warehouse.ReceiveStock", []byte(validBody)); err != nil {
					t.Error(err)
				}
			}
		})
	}
	wg.Wait()
}

func BenchmarkValidateValid(b *testing.B) {
	v, body := newTestValidator(b), []byte(validBody)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate("warehouse.ReceiveStock", body); err != nil {
			b.Fatal(err)
		}
	}
}

func BenchmarkValidateInvalid(b *testing.B) {
	v, body := newTestValidator(b), []byte(`{"sku":"A","quantity":0,"extra":1,"location":{}}`)
	b.ReportAllocs()
	for b.Loop() {
		if err := v.Validate("warehouse.ReceiveStock", body); err == nil {
			b.Fatal("want an error")
		}
	}
}

func TestValidatorHidesTheParsersText(t *testing.T) {
	err := newTestValidator(t).Validate("warehouse.ReceiveStock", []byte(`{"sku":`))
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		t.Fatalf("want a KindInvalid *domain.Error, got %v", err)
	}
	want := []domain.FieldError{{Pointer: "", Detail: "is not valid JSON"}}
	if !reflect.DeepEqual(de.Fields, want) || de.Err == nil {
		t.Errorf("fields %v (cause %v), want %v with the parser's text as the cause only", de.Fields, de.Err, want)
	}
}
