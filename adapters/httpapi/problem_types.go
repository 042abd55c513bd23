package httpapi

import "strings"

// DefaultProblemBase is where a problem's type URI points unless
// Config.ProblemBase says otherwise: the section of docs/problems.md named
// by the problem's code, in the project's repository. It is absolute, as
// RFC 9457 recommends, so a client that stores or forwards a problem can
// still resolve it; a deployment with its own docs sets Config.ProblemBase.
const DefaultProblemBase = "https://github.com/webos-engine/webos/blob/main/docs/problems.md#"

// problemTitles are the titles of the engine's own problem types. A title
// belongs to the type, not to the occurrence (that is the detail), so it
// never changes between two answers with the same code.
var problemTitles = map[string]string{
	"invalid":                      "Invalid input",
	"not_found":                    "Not found",
	"conflict":                     "Conflict",
	"forbidden":                    "Forbidden",
	"unauthenticated":              "Unauthenticated",
	"invalid_credentials":          "Invalid credentials",
	"too_many_attempts":            "Too many attempts",
	"session_ended":                "Session ended",
	"invalid_token":                "Invalid token",
	"csrf_token_missing":           "CSRF token missing",
	"invalid_setup_link":           "Invalid setup link",
	"rejected":                     "Refused by a business rule",
	"internal":                     "Internal error",
	"version_conflict":             "Version conflict",
	"already_exists":               "Already exists",
	"duplicate_event":              "Duplicate event",
	"idempotency_key_reused":       "Idempotency key reused",
	"unknown_command":              "Unknown command",
	"unknown_view":                 "Unknown view",
	"unknown_stream":               "Unknown stream",
	"unknown_tenant":               "Unknown tenant",
	"unknown_route":                "Unknown route",
	"method_not_allowed":           "Method not allowed",
	"body_too_large":               "Body too large",
	"unreadable_body":              "Unreadable body",
	"unsupported_media_type":       "Unsupported media type",
	"cross_origin":                 "Cross-origin request refused",
	"unknown_host":                 "Unknown host",
	"not_ready":                    "Not ready",
	"not_caught_up":                "View not caught up",
	"event_store_unavailable":      "Event store unavailable",
	"read_model_store_unavailable": "Read-model store unavailable",
	"bus_unavailable":              "Event bus unavailable",
}

// problemTitle is the title of the problem type code. A module's own codes
// (insufficient_stock) get their code in words ("Insufficient stock"),
// which is just as stable.
func problemTitle(code string) string {
	if t, ok := problemTitles[code]; ok {
		return t
	}
	words := strings.ReplaceAll(code, "_", " ")
	if words == "" {
		return "Problem"
	}
	return strings.ToUpper(words[:1]) + words[1:]
}
