// Package catchup implements the application.Subscription that every event
// store adapter shares: it reads the global feed page by page from a start
// position until it is caught up, then follows live appends, woken by an
// in-process Notifier and, for appends made by other processes, by a
// fallback poll.
package catchup
