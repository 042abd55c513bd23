package application

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"log/slog"
	"strings"
	"time"

	"github.com/webos-engine/webos/domain"
)

// CommandRequest travels through the command pipeline. Each step reads
// what the earlier ones filled in.
type CommandRequest struct {
	Info CommandInfo
	// Body is the raw JSON as received.
	Body []byte
	// Command is the typed command, set by the decode step.
	Command any

	entry *commandEntry
}

// Dispatch is one stage of the command pipeline.
type Dispatch func(ctx context.Context, req *CommandRequest) (Result, error)

// Middleware wraps a Dispatch with one concern.
type Middleware func(next Dispatch) Dispatch

// commandEntry is a registered command with its typed functions erased.
type commandEntry struct {
	info CommandInfo
	// permission is the declaration of info.Permission, set at commit.
	permission Permission
	decode     func(body []byte) (any, error)
	handle     func(ctx context.Context, cmd any) (Result, error)
	// ownRecords: an OwnRecords grant may send it (RegisterOwnCommand).
	ownRecords bool
}

// pipeline builds parse → authorise → validate → decode → handle, with
// logging around the whole. Authorisation comes before schema
// validation, so a caller without the permission (or without any
// identity) learns nothing of the command's shape from its errors; it
// comes after parsing, so nothing but one strict JSON object is ever
// weighed.
func pipeline(v SchemaValidator, az Authorizer, log *slog.Logger) Dispatch {
	d := Dispatch(handleStep)
	for _, mw := range []Middleware{decodeStep, validateStep(v), authoriseStep(az), parseStep, logStep(log)} {
		d = mw(d)
	}
	return d
}

func handleStep(ctx context.Context, req *CommandRequest) (Result, error) {
	return req.entry.handle(ctx, req.Command)
}

// parseStep refuses anything that is not a single, strict JSON object
// before a schema validator sees it, so "malformed JSON" is told apart
// from "wrong shape", and hands on the body with integral numbers written
// as integers.
func parseStep(next Dispatch) Dispatch {
	return func(ctx context.Context, req *CommandRequest) (Result, error) {
		strict, err := StrictObject(req.Body)
		if err != nil {
			return Result{}, err
		}
		req.Body = strict
		return next(ctx, req)
	}
}

// StrictObject accepts body only as a single strict JSON object (no
// duplicate keys, valid UTF-8, bounded nesting) and returns it with
// integral numbers written as integers; otherwise it fails with a
// domain.KindInvalid error, with pointers where it can. Every body from
// outside goes through it before a schema validator sees it.
func StrictObject(body []byte) ([]byte, error) {
	body = bytes.TrimSpace(body)
	if !json.Valid(body) {
		return nil, domain.Invalid("the body is not valid JSON")
	}
	if len(body) == 0 || body[0] != '{' {
		return nil, domain.Invalid("the body must be a JSON object", domain.FieldError{Pointer: "", Detail: "expected an object"})
	}
	strict, faults := strictJSON(body)
	if faults != nil {
		return nil, domain.Invalid("the body has duplicate keys, text that is not UTF-8, or nests too deep", faults...)
	}
	return strict, nil
}

func validateStep(v SchemaValidator) Middleware {
	return func(next Dispatch) Dispatch {
		return func(ctx context.Context, req *CommandRequest) (Result, error) {
			if err := v.Validate(req.Info.Name, req.Body); err != nil {
				return Result{}, err
			}
			return next(ctx, req)
		}
	}
}

func decodeStep(next Dispatch) Dispatch {
	return func(ctx context.Context, req *CommandRequest) (Result, error) {
		cmd, err := req.entry.decode(req.Body)
		if err != nil {
			return Result{}, decodeError(err)
		}
		req.Command = cmd
		return next(ctx, req)
	}
}

func authoriseStep(az Authorizer) Middleware {
	return func(next Dispatch) Dispatch {
		return func(ctx context.Context, req *CommandRequest) (Result, error) {
			access := Access{Permission: req.entry.permission, Resource: "command:" + req.Info.Name}
			if req.entry.ownRecords {
				access.Owner = commandOwner
			}
			g, err := az.Authorize(ctx, access)
			if err != nil {
				return Result{}, err
			}
			return next(withGrant(ctx, g), req)
		}
	}
}

func logStep(log *slog.Logger) Middleware {
	return func(next Dispatch) Dispatch {
		return func(ctx context.Context, req *CommandRequest) (Result, error) {
			start := time.Now()
			res, err := next(ctx, req)
			attrs := []any{"command", req.Info.Name, "duration", time.Since(start)}
			switch {
			case err == nil:
				log.DebugContext(ctx, "command handled", append(attrs, "stream", res.Stream, "version", res.Version)...)
			case domain.KindOf(err) != 0:
				level := slog.LevelInfo
				if seeding(ctx) {
					level = slog.LevelDebug
				}
				log.Log(ctx, level, "command refused", append(attrs, "error", err)...)
			default:
				log.ErrorContext(ctx, "command failed", append(attrs, "error", err)...)
			}
			return res, err
		}
	}
}

// decodeError turns a decoding failure the schema let through (say a
// number beyond the Go field's range) into a field error. The decoder's
// own text names Go types and struct fields, so it rides along as the
// cause, which is logged, never answered.
func decodeError(err error) error {
	field := domain.FieldError{Pointer: "", Detail: "does not fit the command"}
	var te *json.UnmarshalTypeError
	if errors.As(err, &te) && te.Field != "" {
		field = domain.FieldError{Pointer: domain.Pointer(strings.Split(te.Field, ".")...), Detail: "has a value this field cannot hold"}
	}
	return &domain.Error{Kind: domain.KindInvalid, Code: "invalid",
		Message: "the body does not fit the command", Fields: []domain.FieldError{field}, Err: err}
}
