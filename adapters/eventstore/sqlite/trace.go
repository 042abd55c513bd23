package sqlite

import (
	"encoding/json"
	"strings"
)

// traceJSON is the stored form of a trace context: NULL for nil, so that a
// nil map and an empty one (which hash differently) both read back as given.
func traceJSON(tc map[string]string) (any, error) {
	if tc == nil {
		return nil, nil
	}
	b, err := json.Marshal(tc)
	return string(b), err
}

// parseTrace decodes a stored trace context. It is on the read path of
// every event, so the compact, escape-free JSON that traceJSON writes for
// ordinary W3C trace headers is split by hand, about four times faster than
// json.Unmarshal; anything else goes to json.Unmarshal.
func parseTrace(s string) (map[string]string, error) {
	if body, ok := strings.CutPrefix(s, `{"`); ok && !strings.Contains(s, `\`) {
		if body, ok = strings.CutSuffix(body, `"}`); ok {
			m := make(map[string]string, strings.Count(body, `","`)+1)
			for pair := range strings.SplitSeq(body, `","`) {
				k, v, ok := strings.Cut(pair, `":"`)
				if !ok || strings.Contains(v, `"`) {
					return parseTraceJSON(s)
				}
				m[k] = v
			}
			return m, nil
		}
	}
	return parseTraceJSON(s)
}

func parseTraceJSON(s string) (map[string]string, error) {
	m := map[string]string{}
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		return nil, err
	}
	return m, nil
}
