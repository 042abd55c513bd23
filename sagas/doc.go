// Package sagas runs process managers (sagas): long-running processes
// across modules that react to events, send commands, keep durable
// timers and, when a step fails, undo the steps that succeeded in the
// reverse order.
//
// A module builds a Definition (Define, StartOn, On, OnStepDone,
// OnStepFailed, OnTimer) and registers it with Register. Each instance
// lives in its own stream, "sagas.{definition}.{key}": every input it
// handles (an event of the feed, a command's reply, a timer, an
// operator's command) appends one batch of events (Started, Handled with
// the state after it, CommandSent, StepSucceeded, TimerScheduled,
// CompensationStarted, Completed, ...), audited and hash-chained like any
// stream. The batch's event ids derive from the input's id, so an input
// seen twice appends nothing. Commands leave and timers start only after
// the batch is stored; a crash in between is repaired at start by
// Recover, which sends again every command still awaiting its reply. A
// command's id derives from its instance and step, so the module applies
// it once however often it arrives (application.WithCommandID).
//
// # States
//
// An instance is running, compensating, compensated, completed or failed
// (with the reason). Transient failures of a command are retried with
// exponential backoff (durable timers too) up to Options.MaxAttempts,
// then the instance fails; an operator retries a failed instance
// (sagas.RetryInstance) or compensates it (sagas.CompensateInstance).
//
// # Disabled modules
//
// A process manager of a module disabled in a tenant waits there: Follow
// holds that tenant's events for it (keeping where they start under a
// checkpoint, so a restart loses none), and its instances' timers and
// replies wait in memory, until the module is enabled again; then they go
// on in order (hold.go, park.go).
//
// # Versioning running instances
//
// A definition has a version, recorded in Started. An instance always
// runs under the version it recorded: Register takes the current
// definition, which starts new instances, and any older versions still
// registered, whose instances finish under their own handlers and state
// type. To move running instances onto the current version instead, the
// current definition declares MigrateFrom(old, fn): at the instance's
// next input fn turns its recorded state into the new state type, a
// Migrated event records both versions and the new state, and the
// instance continues under the current handlers. Steps that succeeded
// before the migration keep their recorded compensations. An instance
// whose version is neither registered nor migrated fails with a reason
// saying so, and can still be compensated. Change the version whenever a
// change of handlers, steps or state would mislead an instance already
// running; keep the old version registered until its instances are done
// (the view sagas.instances lists them by definition and version).
package sagas
