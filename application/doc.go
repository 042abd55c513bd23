// Package application holds the ports (interfaces every adapter implements),
// the command pipeline, the module SDK and the typed service registry. It
// imports domain only; everything concrete is injected by cmd/webos.
//
// A module author needs only the SDK: Module and Manifest; the Registrar
// with RegisterEvent, RegisterUpcaster, RegisterCommand, ProvideService,
// Projection and View; AggregateHandler over Registrar.Repository;
// NewProjection and On; Lookup for other modules' services; and Send to
// issue a command from Go. The rest (App, Load, the pipeline steps, the
// repository's cache and snapshots, the store ports) is the kernel's.
package application
