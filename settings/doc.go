// Package settings is the Settings service: modules and the core register
// their settings as Go structs, whose JSON Schema (with its defaults) the
// service generates; it keeps system settings per module and tenant and
// user settings per module and user, validates every change, records
// every change as an event (who made it, old → new, secrets left out) and
// encrypts the fields tagged `secret:"true"` with AES-256-GCM before they
// reach any event. See docs/settings.md.
package settings
