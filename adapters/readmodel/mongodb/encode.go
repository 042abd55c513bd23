package mongodb

import (
	"bytes"
	"encoding/json"
	"errors"
	"strings"

	"go.mongodb.org/mongo-driver/v2/bson"

	"github.com/webos-engine/webos/adapters/readmodel/query"
	"github.com/webos-engine/webos/application"
)

// toBSON converts a JSON object into a BSON document, keeping the order of
// its members. A number becomes an int64 when it is an integer literal
// that fits and a double otherwise, as query.ParseNumber reads it, so an
// integer beyond 2^53 keeps every digit.
func toBSON(raw json.RawMessage) (bson.D, error) {
	dec := json.NewDecoder(bytes.NewReader(raw))
	dec.UseNumber()
	v, err := decodeValue(dec)
	if err != nil {
		return nil, err
	}
	d, ok := v.(bson.D)
	if !ok {
		return nil, errors.New("mongodb: a document must be a JSON object")
	}
	return d, nil
}

func decodeValue(dec *json.Decoder) (any, error) {
	tok, err := dec.Token()
	if err != nil {
		return nil, err
	}
	switch v := tok.(type) {
	case json.Delim:
		if v == '[' {
			arr := bson.A{}
			for dec.More() {
				e, err := decodeValue(dec)
				if err != nil {
					return nil, err
				}
				arr = append(arr, e)
			}
			_, err := dec.Token()
			return arr, err
		}
		d := bson.D{}
		for dec.More() {
			k, err := dec.Token()
			if err != nil {
				return nil, err
			}
			e, err := decodeValue(dec)
			if err != nil {
				return nil, err
			}
			d = append(d, bson.E{Key: k.(string), Value: e})
		}
		_, err := dec.Token()
		return d, err
	case json.Number:
		n, ok := query.ParseNumber(string(v))
		if !ok {
			return nil, errors.New("mongodb: number " + string(v) + " is out of range")
		}
		return n, nil
	}
	return tok, nil // string, bool or nil
}

// toJSON renders a stored document as JSON. Relaxed extended JSON is
// plain JSON for every value a document converted by toBSON can hold.
func toJSON(doc bson.Raw) (json.RawMessage, error) {
	return bson.MarshalExtJSON(doc, false, false)
}

// keyName is the member of key holding field: a dot would address a
// nested member, so it becomes a dash, which no field name contains.
func keyName(field string) string { return strings.ReplaceAll(field, ".", "-") }

// keyPath is the path filters and sorts use for field.
func keyPath(field string) string { return "key." + keyName(field) }

// keys extracts the declared fields of a decoded document, normalised; a
// missing or mistyped value is left out, so it sorts and filters as null.
func keys(spec application.CollectionSpec, fields map[string]any) bson.D {
	d := bson.D{}
	for _, f := range spec.Fields {
		if v := query.Extract(fields, f); v != nil {
			d = append(d, bson.E{Key: keyName(f.Name), Value: v})
		}
	}
	return d
}

// atPath is the member of at holding projection's position. A projection
// name may hold dots; percent-encoding them (and '%' and '$') keeps it one
// member name.
func atPath(projection string) string { return "at." + atEscaper.Replace(projection) }

var atEscaper = strings.NewReplacer("%", "%25", ".", "%2E", "$", "%24")

// keyValue reads a normalised key value back from BSON: nil when missing.
func keyValue(v bson.RawValue) any {
	switch v.Type {
	case bson.TypeInt64:
		return v.Int64()
	case bson.TypeInt32:
		return int64(v.Int32())
	case bson.TypeDouble:
		return v.Double()
	case bson.TypeString:
		return v.StringValue()
	case bson.TypeBoolean:
		return v.Boolean()
	}
	return nil
}
