package sagas_test

import (
	"context"
	"fmt"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
	"github.com/webos-engine/webos/sagas"
)

// The trips module of these tests books the items of a trip one after
// another, each with its cancellation as compensation.

type Book struct {
	TripID string `json:"tripId"`
	Item   string `json:"item"`
}

type CancelBooking struct {
	TripID string `json:"tripId"`
	Item   string `json:"item"`
}

type TripRequested struct {
	TripID string   `json:"tripId"`
	Items  []string `json:"items"`
}

type TripAbandoned struct {
	TripID string `json:"tripId"`
}

type Booked struct {
	TripID string `json:"tripId"`
	Item   string `json:"item"`
}

type BookingCancelled struct {
	TripID string `json:"tripId"`
	Item   string `json:"item"`
}

func (TripRequested) EventType() string    { return "trips.TripRequested" }
func (TripAbandoned) EventType() string    { return "trips.TripAbandoned" }
func (Booked) EventType() string           { return "trips.Booked" }
func (BookingCancelled) EventType() string { return "trips.BookingCancelled" }

// booking is one item of a trip; "sold-out" cannot be booked.
type booking struct {
	domain.Base
	booked, cancelled int
}

func (b *booking) Apply(e domain.Event) {
	switch e.(type) {
	case Booked:
		b.booked++
	case BookingCancelled:
		b.cancelled++
	}
}

// tripState is the state of the trips.Booking saga.
type tripState struct {
	Trip  string   `json:"trip"`
	Items []string `json:"items"`
	Next  int      `json:"next"`
}

const definition = "trips.Booking"

// bookingV1 books the items in order, with a one-hour deadline.
func bookingV1() *sagas.Definition[tripState] {
	d := sagas.Define[tripState](definition, 1)
	sagas.StartOn(d, func(e TripRequested) string { return e.TripID }, func(c *sagas.Context[tripState], e TripRequested) error {
		*c.State = tripState{Trip: e.TripID, Items: e.Items}
		c.Schedule("deadline", time.Hour)
		bookNext(c)
		return nil
	})
	sagas.On(d, func(e TripAbandoned) string { return e.TripID }, func(c *sagas.Context[tripState], _ TripAbandoned) error {
		c.Compensate("the customer abandoned the trip")
		return nil
	})
	d.OnStepDone(func(c *sagas.Context[tripState], _ sagas.StepResult) error {
		c.State.Next++
		bookNext(c)
		return nil
	})
	d.OnTimer(func(c *sagas.Context[tripState], timer string) error {
		c.Compensate("the " + timer + " passed")
		return nil
	})
	return d
}

func bookNext(c *sagas.Context[tripState]) {
	s := c.State
	if s.Next == len(s.Items) {
		c.Complete()
		return
	}
	item := s.Items[s.Next]
	c.Send(fmt.Sprintf("book-%d", s.Next), Book{TripID: s.Trip, Item: item}, sagas.Undo(CancelBooking{TripID: s.Trip, Item: item}))
}

// tripsModule registers the commands and events, and the given versions
// of the saga: the first is current.
type tripsModule struct {
	versions []sagas.Logic
}

func (tripsModule) Manifest() application.Manifest {
	return application.Manifest{Name: "trips", Version: "1.0.0", Permissions: []application.Permission{{Name: "trips.book", Description: "book and cancel trips"}}}
}

func (m tripsModule) Register(r *application.Registrar) error {
	application.RegisterEvent[TripRequested](r, 1)
	application.RegisterEvent[TripAbandoned](r, 1)
	application.RegisterEvent[Booked](r, 1)
	application.RegisterEvent[BookingCancelled](r, 1)
	repo := r.Repository()
	stream := func(trip, item string) *booking { return &booking{Base: domain.NewBase("trips." + trip + "-" + item)} }
	application.RegisterCommand(r, "Book", "trips.book", application.AggregateHandler(repo, application.MustBeNew,
		func(c Book) *booking { return stream(c.TripID, c.Item) },
		func(_ context.Context, b *booking, c Book) error {
			if c.Item == "sold-out" {
				return domain.Errorf(domain.KindRejected, "sold_out", "%s is sold out", c.Item)
			}
			domain.Raise(b, Booked(c))
			return nil
		}))
	application.RegisterCommand(r, "CancelBooking", "trips.book", application.AggregateHandler(repo, application.MustExist,
		func(c CancelBooking) *booking { return stream(c.TripID, c.Item) },
		func(_ context.Context, b *booking, c CancelBooking) error {
			domain.Raise(b, BookingCancelled(c))
			return nil
		}))
	versions := m.versions
	if len(versions) == 0 {
		versions = []sagas.Logic{bookingV1()}
	}
	return sagas.Register(r, versions[0], versions[1:]...)
}
