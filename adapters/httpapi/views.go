package httpapi

import (
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"

	"github.com/gin-gonic/gin"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// viewPage is the answer to a view query. Next is omitted on the last
// page; otherwise it is the cursor parameter for the following page.
type viewPage struct {
	Items []json.RawMessage `json:"items"`
	Next  string            `json:"next,omitempty"`
}

// view handles GET /api/views/{module}.{view}. The query string is checked
// against the view's declared fields before anything reaches the store,
// and what only the store can judge (the cursor, the sort's size) comes
// back in the same shape: every mistake is a 400 with code "invalid"
// pointing at /query/<parameter>, never a 500.
func (s *server) view(c *gin.Context) {
	name := c.Param("name")
	v, err := s.cfg.App.View(c.Request.Context(), name)
	if err != nil {
		s.fail(c, err)
		return
	}
	q, keys, err := parseViewQuery(c.Request.URL.RawQuery, v.Collection)
	if err != nil {
		s.fail(c, err)
		return
	}
	pos, err := minPosition(c.Request)
	if err != nil {
		s.fail(c, err)
		return
	}
	if !s.awaitPosition(c, v.Projections, pos) {
		return
	}
	page, err := s.cfg.App.QueryView(c.Request.Context(), name, q)
	if err != nil {
		s.fail(c, storeQueryError(err, keys))
		return
	}
	if page.Items == nil {
		page.Items = []json.RawMessage{}
	}
	s.writeJSON(c, http.StatusOK, "application/json", viewPage{Items: page.Items, Next: page.Next})
}

// unknownField names the fields the client could have used instead.
func unknownField(name string, spec application.CollectionSpec) error {
	names := make([]string, len(spec.Fields))
	for i, f := range spec.Fields {
		names[i] = f.Name
	}
	return fmt.Errorf("%q is not a field of this view; fields: %s", name, strings.Join(names, ", "))
}

// storeQueryError gives an invalid-query error of the read-model store
// (query.Compile's pointers "/filter/<field>", "/sort" and "/cursor") the
// shape of parseViewQuery's own: the same message, and pointers at the
// parameters as sent (keys). The store judges what only it can (the
// cursor, the sort's size) and limits shared with Go callers; to the
// client every query error looks alike. Other errors pass unchanged.
func storeQueryError(err error, keys []string) error {
	var de *domain.Error
	if !errors.As(err, &de) || de.Kind != domain.KindInvalid {
		return err
	}
	bad := make([]domain.FieldError, len(de.Fields))
	for i, f := range de.Fields {
		param := strings.TrimPrefix(f.Pointer, "/")
		if field, ok := strings.CutPrefix(param, "filter/"); ok {
			param = "filter[" + field + "]" // a declared name: nothing escaped
			// The parameter that named the field, with its operator if any.
			if at := slices.IndexFunc(keys, func(k string) bool { return strings.HasPrefix(k, param) }); at >= 0 {
				param = keys[at]
			}
		}
		bad[i] = fieldError(param, errors.New(f.Detail))
	}
	if len(bad) == 0 {
		bad = append(bad, domain.FieldError{Pointer: queryRoot, Detail: de.Message})
	}
	return invalidParams(bad)
}
