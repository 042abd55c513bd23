// Package application holds the ports (interfaces every adapter implements),
// the command pipeline, the module SDK and the typed service registry. It
// imports domain only; everything concrete is injected by cmd/webos.
package application
