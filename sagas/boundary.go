package sagas

// Point is where in the runtime a Boundary lies.
type Point string

// The points of the runtime between two durable steps. At each, what the
// instance's stream records, what the command bus carries and what the
// modules applied differ; a process that stops there (a SIGKILL) must
// lose nothing and repeat nothing when it starts again.
const (
	// PointReceived: an event of the feed reached the runtime for an
	// instance; nothing of it is recorded yet.
	PointReceived Point = "received"
	// PointRecorded: an input's events are appended to its instance's
	// stream; the commands they send have not left and the timers they
	// set are not set.
	PointRecorded Point = "recorded"
	// PointSent: a recorded command was handed to the sender; its reply
	// is not recorded.
	PointSent Point = "sent"
	// PointApplied: a module applied a command (or refused it); its
	// reply has not left the far end of the command bus.
	PointApplied Point = "applied"
	// PointDue: a timer fell due; its firing is not recorded.
	PointDue Point = "due"
)

// Boundary is one passing of a Point by one instance.
type Boundary struct {
	Point    Point
	Instance string
	// What names what passes: for PointReceived the event type; for
	// PointRecorded the input's kind and name ("event orders.OrderPlaced",
	// "reply reserve-0", "timer payment-deadline", "operator retry"); for
	// PointSent and PointApplied the step; for PointDue the timer. A
	// compensation's step is "undo {step}".
	What string
}

// String is the point and what passes it: "sent undo reserve-0". It is
// the same for every instance of a definition, so it names a boundary of
// the process.
func (b Boundary) String() string { return string(b.Point) + " " + b.What }

// Hook is told of every Boundary as it is passed (Options.Hook). The
// engine sets none; test builds use one to stop the process at a chosen
// boundary and to list the boundaries a process passes.
type Hook func(Boundary)

// StepName is the name a step's command goes by at a Boundary: the step,
// or "undo {step}" for its compensation.
func StepName(step string, compensation bool) string {
	if compensation {
		return "undo " + step
	}
	return step
}

// boundary tells the hook, if any, that instance passes point.
func (rt *Runtime) boundary(point Point, instance, what string) {
	if rt.opts.Hook != nil {
		rt.opts.Hook(Boundary{Point: point, Instance: instance, What: what})
	}
}

// what names an input at PointRecorded.
func (in input) what() string {
	name := in.name
	if in.kind == kindReply {
		name = StepName(in.reply.Step, in.reply.Compensation)
	}
	return in.kind + " " + name
}

// Points lists every Point the runtime and its command bus pass.
func Points() []Point {
	return []Point{PointReceived, PointRecorded, PointSent, PointApplied, PointDue}
}
