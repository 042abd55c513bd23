package jobs

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"sync/atomic"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Permissions of the jobs module. Enqueueing a job over HTTP needs
// PermissionEnqueue and the permission of the job's type.
const (
	PermissionEnqueue = "jobs.enqueue"
	PermissionOperate = "jobs.operate"
	PermissionView    = "jobs.view"
)

// Enqueue enqueues a background job of a registered type. The key makes
// it idempotent (the same type and key give one job); without one a key
// derived from the request's Idempotency-Key is used, else a fresh key.
type Enqueue struct {
	Type  string          `json:"type" jsonschema:"minLength=3,maxLength=200"`
	Key   string          `json:"key,omitempty" jsonschema:"minLength=1,maxLength=200,pattern=^[A-Za-z0-9][A-Za-z0-9._:@-]*$"`
	Input json.RawMessage `json:"input,omitempty" jsonschema:"type=object"`
}

// Cancel cancels an active job; its running attempt is stopped.
type Cancel struct {
	Job    string `json:"job" jsonschema:"minLength=1,maxLength=500"`
	Reason string `json:"reason,omitempty" jsonschema:"maxLength=500"`
}

// Module is the engine's own jobs module: the events of the jobs' and
// schedules' streams, the view jobs.list and the commands jobs.Enqueue
// and jobs.Cancel. The composition root loads it with the business
// modules and hands it the runtime (Use) once it is built.
type Module struct {
	rt atomic.Pointer[Runtime]
}

// Use makes the commands act on rt.
func (m *Module) Use(rt *Runtime) { m.rt.Store(rt) }

// Manifest describes the module.
func (m *Module) Manifest() application.Manifest {
	return application.Manifest{Name: "jobs", Version: "1.0.0", Permissions: []application.Permission{
		{Name: PermissionEnqueue, Description: "enqueue background jobs (each type also needs its own permission)"},
		{Name: PermissionOperate, Description: "cancel background jobs"},
		{Name: PermissionView, Description: "see background jobs, their progress and schedules", ReadOnly: true},
	}}
}

// Register adds the events, the view and the commands.
func (m *Module) Register(r *application.Registrar) error {
	for _, reg := range []func(*application.Registrar, int){
		application.RegisterEvent[Enqueued], application.RegisterEvent[AttemptStarted], application.RegisterEvent[Progressed],
		application.RegisterEvent[AttemptFailed], application.RegisterEvent[AttemptHeld], application.RegisterEvent[Succeeded], application.RegisterEvent[Failed],
		application.RegisterEvent[Cancelled], application.RegisterEvent[ScheduleArmed], application.RegisterEvent[ScheduleFired],
	} {
		reg(r, 1)
	}
	r.Projection(listProjection())
	r.View("list", application.View{Collection: ListCollection,
		DefaultSort: []application.SortKey{{Field: "updatedAt", Desc: true}}, Permission: PermissionView})
	application.RegisterCommand(r, "Enqueue", PermissionEnqueue, func(ctx context.Context, c Enqueue) (application.Result, error) {
		rt, err := m.runtime()
		if err != nil {
			return application.Result{}, err
		}
		return rt.enqueueFor(ctx, c)
	})
	application.RegisterCommand(r, "Cancel", PermissionOperate, func(ctx context.Context, c Cancel) (application.Result, error) {
		rt, err := m.runtime()
		if err != nil {
			return application.Result{}, err
		}
		return rt.Cancel(ctx, c.Job, c.Reason)
	})
	return nil
}

func (m *Module) runtime() (*Runtime, error) {
	rt := m.rt.Load()
	if rt == nil {
		return nil, domain.Errorf(domain.KindConflict, "jobs_not_running", "background jobs are not running in this process")
	}
	return rt, nil
}

// enqueueFor runs jobs.Enqueue: the actor needs the type's permission,
// and the input's faults are reported under /input. A type whose module
// is disabled in the actor's tenant is answered as one that does not
// exist.
func (rt *Runtime) enqueueFor(ctx context.Context, c Enqueue) (application.Result, error) {
	t := rt.types[c.Type]
	if t == nil {
		return application.Result{}, unknownType()
	}
	if err := rt.refuseOff(ctx, t.name); application.IsModuleDisabled(err) {
		return application.Result{}, unknownType()
	} else if err != nil {
		return application.Result{}, err
	}
	if _, err := rt.app.Authorize(ctx, t.permission, "job:"+t.name); err != nil {
		return application.Result{}, err
	}
	key := c.Key
	if id := application.MetaFrom(ctx).CommandID; key == "" && id != "" {
		sum := sha256.Sum256([]byte(id))
		key = "request-" + hex.EncodeToString(sum[:16])
	}
	input := c.Input
	if len(input) == 0 {
		input = json.RawMessage(`{}`)
	}
	res, err := rt.Enqueue(ctx, application.Job{Type: c.Type, Input: input, Key: key})
	var de *domain.Error
	if errors.As(err, &de) && de.Kind == domain.KindInvalid && !keyFault(de) {
		moved := *de
		moved.Fields = make([]domain.FieldError, len(de.Fields))
		for i, f := range de.Fields {
			moved.Fields[i] = domain.FieldError{Pointer: "/input" + f.Pointer, Detail: f.Detail}
		}
		moved.Message = "the job input does not match its type's schema"
		return application.Result{}, &moved
	}
	return res, err
}

// keyFault reports whether de is about the key rather than the input.
func keyFault(de *domain.Error) bool {
	return len(de.Fields) == 1 && (de.Fields[0].Pointer == "/key" || de.Fields[0].Pointer == "/type")
}
