package sagas

import (
	"context"
	"sync/atomic"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// Permissions of the sagas module.
const (
	PermissionOperate = "sagas.operate"
	PermissionView    = "sagas.view"
)

// RetryInstance sends the failed step (or compensation) of a failed
// instance again.
type RetryInstance struct {
	Instance string `json:"instance" jsonschema:"minLength=1,maxLength=400"`
}

// CompensateInstance undoes the completed steps of a running, completed
// or failed instance, in reverse order.
type CompensateInstance struct {
	Instance string `json:"instance" jsonschema:"minLength=1,maxLength=400"`
	Reason   string `json:"reason,omitempty" jsonschema:"maxLength=500"`
}

// Module is the engine's own sagas module: it registers the events of the
// instances' streams, the view sagas.instances and the operator commands
// sagas.RetryInstance and sagas.CompensateInstance. The composition root
// loads it with the business modules and hands it the runtime (Use) once
// the runtime is built.
type Module struct {
	rt atomic.Pointer[Runtime]
}

// Use makes the operator commands act on rt.
func (m *Module) Use(rt *Runtime) { m.rt.Store(rt) }

// Manifest describes the module.
func (m *Module) Manifest() application.Manifest {
	return application.Manifest{Name: "sagas", Version: "1.0.0", Permissions: []application.Permission{
		{Name: PermissionOperate, Description: "retry or compensate a saga instance"},
		{Name: PermissionView, Description: "see saga instances, their steps and timers", ReadOnly: true},
	}, Core: true}
}

// Register adds the events, the view and the operator commands.
func (m *Module) Register(r *application.Registrar) error {
	RegisterEvents(r)
	r.Projection(instancesProjection())
	r.View("instances", application.View{Collection: InstancesCollection,
		DefaultSort: []application.SortKey{{Field: "updatedAt", Desc: true}}, Permission: PermissionView})
	application.RegisterCommand(r, "RetryInstance", PermissionOperate, func(ctx context.Context, c RetryInstance) (application.Result, error) {
		rt, err := m.runtime()
		if err != nil {
			return application.Result{}, err
		}
		return rt.operate(ctx, c.Instance, opRetry, "")
	})
	application.RegisterCommand(r, "CompensateInstance", PermissionOperate, func(ctx context.Context, c CompensateInstance) (application.Result, error) {
		rt, err := m.runtime()
		if err != nil {
			return application.Result{}, err
		}
		return rt.operate(ctx, c.Instance, opCompensate, c.Reason)
	})
	return nil
}

func (m *Module) runtime() (*Runtime, error) {
	rt := m.rt.Load()
	if rt == nil {
		return nil, domain.Errorf(domain.KindConflict, "saga_runtime_not_running", "the saga runtime is not running in this process")
	}
	return rt, nil
}

// RegisterEvents registers the events of the instances' streams.
func RegisterEvents(r *application.Registrar) {
	application.RegisterEvent[Started](r, 1)
	application.RegisterEvent[Handled](r, 1)
	application.RegisterEvent[CommandSent](r, 1)
	application.RegisterEvent[StepSucceeded](r, 1)
	application.RegisterEvent[StepFailed](r, 1)
	application.RegisterEvent[TimerScheduled](r, 1)
	application.RegisterEvent[TimerCancelled](r, 1)
	application.RegisterEvent[TimerFired](r, 1)
	application.RegisterEvent[CompensationStarted](r, 1)
	application.RegisterEvent[Completed](r, 1)
	application.RegisterEvent[Compensated](r, 1)
	application.RegisterEvent[Failed](r, 1)
	application.RegisterEvent[Retried](r, 1)
	application.RegisterEvent[Migrated](r, 1)
}
