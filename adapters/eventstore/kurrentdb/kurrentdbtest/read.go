package kurrentdbtest

import (
	"regexp"
	"strconv"
	"strings"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/shared"
	streamsv1 "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/types/known/timestamppb"
)

// readServer serves v1 reads and $all subscriptions.
type readServer struct {
	streamsv1.UnimplementedStreamsServer
	log *eventLog
}

type readCall = grpc.ServerStreamingServer[streamsv1.ReadResp]

// Read dispatches on what the request asks for.
func (s *readServer) Read(req *streamsv1.ReadReq, call readCall) error {
	o := req.GetOptions()
	f, err := newFilter(o.GetFilter())
	if err != nil {
		return status.Error(codes.InvalidArgument, err.Error())
	}
	backwards := o.GetReadDirection() == streamsv1.ReadReq_Options_Backwards
	switch {
	case o.GetStream() != nil && o.GetSubscription() == nil:
		return s.readStream(o.GetStream(), backwards, o.GetCount(), call)
	case o.GetAll() != nil && o.GetSubscription() == nil:
		return s.readAll(o.GetAll(), backwards, o.GetCount(), f, call)
	case o.GetAll() != nil && !backwards:
		return s.subscribeAll(o.GetAll(), f, o.GetFilter(), call)
	}
	return status.Error(codes.Unimplemented, "the test double serves stream reads, $all reads and $all subscriptions only")
}

func (s *readServer) readStream(o *streamsv1.ReadReq_Options_StreamOptions, backwards bool, count uint64, call readCall) error {
	name := string(o.GetStreamIdentifier().GetStreamName())
	recs := s.log.stream(name)
	if recs == nil {
		return call.Send(&streamsv1.ReadResp{Content: &streamsv1.ReadResp_StreamNotFound_{
			StreamNotFound: &streamsv1.ReadResp_StreamNotFound{StreamIdentifier: o.GetStreamIdentifier()}}})
	}
	last := uint64(len(recs) - 1)
	var from uint64
	switch {
	case o.GetEnd() != nil:
		from = last + 1
		if backwards {
			from = last
		}
	case o.GetStart() == nil:
		from = o.GetRevision()
	}
	if backwards {
		for rev := int64(min(from, last)); rev >= 0 && count > 0; rev, count = rev-1, count-1 {
			if err := call.Send(eventResp(recs[rev])); err != nil {
				return err
			}
		}
		return nil
	}
	for rev := from; rev <= last && count > 0; rev, count = rev+1, count-1 {
		if err := call.Send(eventResp(recs[rev])); err != nil {
			return err
		}
	}
	return nil
}

// readAll reads $all forwards from a position (inclusive) or backwards
// from a position (exclusive).
func (s *readServer) readAll(o *streamsv1.ReadReq_Options_AllOptions, backwards bool, count uint64, f *filter, call readCall) error {
	recs, _ := s.log.snapshot()
	var i int
	switch {
	case o.GetStart() != nil:
		i = 0
	case o.GetEnd() != nil:
		i = len(recs)
	default:
		i = firstAfter(recs, o.GetPosition().GetCommitPosition(), true)
	}
	step := 1
	if backwards {
		i, step = i-1, -1
	}
	for ; i >= 0 && i < len(recs) && count > 0; i += step {
		if !f.match(recs[i]) {
			continue
		}
		if err := call.Send(eventResp(recs[i])); err != nil {
			return err
		}
		count--
	}
	return nil
}

// subscribeAll is a catch-up subscription to $all: history after the
// start point, CaughtUp, then live events, with checkpoints when filtered.
func (s *readServer) subscribeAll(o *streamsv1.ReadReq_Options_AllOptions, f *filter, fo *streamsv1.ReadReq_Options_FilterOptions, call readCall) error {
	recs, changed := s.log.snapshot()
	var i int
	switch {
	case o.GetStart() != nil:
		i = 0
	case o.GetEnd() != nil:
		i = len(recs)
	default:
		i = firstAfter(recs, o.GetPosition().GetCommitPosition(), false)
	}
	if err := call.Send(&streamsv1.ReadResp{Content: &streamsv1.ReadResp_Confirmation{
		Confirmation: &streamsv1.ReadResp_SubscriptionConfirmation{SubscriptionId: uuid.NewString()}}}); err != nil {
		return err
	}
	every := checkpointEvery(fo)
	searched, caughtUp := 0, false
	for {
		for ; i < len(recs); i++ {
			r := recs[i]
			if f.match(r) {
				if err := call.Send(eventResp(r)); err != nil {
					return err
				}
			}
			searched++
			if f != nil && searched >= every {
				searched = 0
				if err := call.Send(checkpoint(r.pos)); err != nil {
					return err
				}
			}
		}
		if !caughtUp {
			caughtUp = true
			if err := call.Send(caughtUpResp(recs)); err != nil {
				return err
			}
		}
		select {
		case <-changed:
			recs, changed = s.log.snapshot()
		case <-call.Context().Done():
			return status.FromContextError(call.Context().Err()).Err()
		}
	}
}

// checkpointEvery is the number of records searched between checkpoints:
// the search window times the checkpoint interval multiplier.
func checkpointEvery(fo *streamsv1.ReadReq_Options_FilterOptions) int {
	window := max(int(fo.GetMax()), 1)
	return window * max(int(fo.GetCheckpointIntervalMultiplier()), 1)
}

func checkpoint(pos uint64) *streamsv1.ReadResp {
	return &streamsv1.ReadResp{Content: &streamsv1.ReadResp_Checkpoint_{Checkpoint: &streamsv1.ReadResp_Checkpoint{
		CommitPosition: pos, PreparePosition: pos, Timestamp: timestamppb.Now()}}}
}

func caughtUpResp(recs []record) *streamsv1.ReadResp {
	c := &streamsv1.ReadResp_CaughtUp{Timestamp: timestamppb.Now()}
	if len(recs) > 0 {
		pos := recs[len(recs)-1].pos
		c.Position = &streamsv1.ReadResp_Position{CommitPosition: pos, PreparePosition: pos}
	}
	return &streamsv1.ReadResp{Content: &streamsv1.ReadResp_CaughtUp_{CaughtUp: c}}
}

// ticksPerNano converts to .NET ticks (100 ns), the unit of "created".
const ticksPerNano = 100

func eventResp(r record) *streamsv1.ReadResp {
	contentType := "application/octet-stream"
	if r.json {
		contentType = "application/json"
	}
	ev := &streamsv1.ReadResp_ReadEvent_RecordedEvent{
		Id:               &shared.UUID{Value: &shared.UUID_String_{String_: r.id}},
		StreamIdentifier: &shared.StreamIdentifier{StreamName: []byte(r.stream)},
		StreamRevision:   r.revision,
		PreparePosition:  r.pos,
		CommitPosition:   r.pos,
		Metadata: map[string]string{
			"type": r.typ, "content-type": contentType,
			"created": strconv.FormatInt(r.created.UnixNano()/ticksPerNano, 10),
		},
		CustomMetadata: r.meta,
		Data:           r.data,
	}
	return &streamsv1.ReadResp{Content: &streamsv1.ReadResp_Event{Event: &streamsv1.ReadResp_ReadEvent{
		Event: ev, Position: &streamsv1.ReadResp_ReadEvent_CommitPosition{CommitPosition: r.pos}}}}
}

// filter is a server-side filter on the stream name or the event type.
type filter struct {
	onType   bool
	prefixes []string
	re       *regexp.Regexp
}

func newFilter(o *streamsv1.ReadReq_Options_FilterOptions) (*filter, error) {
	if o == nil {
		return nil, nil
	}
	expr := o.GetStreamIdentifier()
	f := &filter{}
	if o.GetEventType() != nil {
		expr, f.onType = o.GetEventType(), true
	}
	f.prefixes = expr.GetPrefix()
	if expr.GetRegex() != "" {
		re, err := regexp.Compile(expr.GetRegex())
		if err != nil {
			return nil, err
		}
		f.re = re
	}
	return f, nil
}

// match reports whether r passes; a nil filter passes everything.
func (f *filter) match(r record) bool {
	if f == nil {
		return true
	}
	v := r.stream
	if f.onType {
		v = r.typ
	}
	if f.re != nil {
		return f.re.MatchString(v)
	}
	for _, p := range f.prefixes {
		if strings.HasPrefix(v, p) {
			return true
		}
	}
	return false
}
