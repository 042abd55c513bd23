// Package auth authenticates: passwords hashed with argon2id, browser
// sessions, API tokens, one-time setup links and login throttling. It
// turns a session id or a bearer token into the application.Principal a
// request acts as; what the principal may do is the Authorizer's call.
//
// Its mutable records (password hashes, sessions, token use, setup links)
// live in their own SQLite file, auth.db, in the data dir, not in the
// event store: they change on every request or must be erasable, and a
// password hash in an immutable, exported event would be there for ever
// for anyone who may read streams to crack offline. Every change of who
// may do what is still an identity event.
package auth
