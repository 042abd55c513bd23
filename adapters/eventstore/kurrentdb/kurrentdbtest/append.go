package kurrentdbtest

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"

	"github.com/google/uuid"
	streamerrors "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v2/streams/errors"
	streamsv2 "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v2/streams/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// appendServer serves the v2 multi-stream append.
type appendServer struct {
	streamsv2.UnimplementedStreamsServiceServer
	log *eventLog
}

// AppendSession receives one request per stream and commits them together
// when the client closes its side.
func (a *appendServer) AppendSession(call grpc.ClientStreamingServer[streamsv2.AppendRequest, streamsv2.AppendSessionResponse]) error {
	var parts []pending
	seen := map[string]bool{}
	for {
		req, err := call.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		if seen[req.GetStream()] {
			st, _ := status.New(codes.InvalidArgument, "stream already in append session").
				WithDetails(&streamerrors.StreamAlreadyInAppendSessionErrorDetails{Stream: req.GetStream()})
			return st.Err()
		}
		seen[req.GetStream()] = true
		p := pending{stream: req.GetStream(), expected: revisionAny}
		if req.ExpectedRevision != nil {
			p.expected = req.GetExpectedRevision()
		}
		for _, rec := range req.GetRecords() {
			r, err := toRecord(rec)
			if err != nil {
				return err
			}
			p.records = append(p.records, r)
		}
		parts = append(parts, p)
	}
	if len(parts) == 0 {
		return status.Error(codes.InvalidArgument, "append session without requests")
	}
	resp, c := a.log.commit(parts)
	if c != nil {
		st, err := status.New(codes.FailedPrecondition, fmt.Sprintf("stream %s: expected revision %d, actual %d", c.stream, c.expected, c.actual)).
			WithDetails(&streamerrors.StreamRevisionConflictErrorDetails{Stream: c.stream, ExpectedRevision: c.expected, ActualRevision: c.actual})
		if err != nil {
			return status.Error(codes.Internal, err.Error())
		}
		return st.Err()
	}
	return call.SendAndClose(resp)
}

// toRecord checks and converts one proposed record. Its properties become
// the event's user metadata, a JSON object.
func toRecord(rec *streamsv2.AppendRecord) (record, error) {
	id := uuid.NewString()
	if rec.RecordId != nil {
		u, err := uuid.Parse(rec.GetRecordId())
		if err != nil {
			return record{}, status.Error(codes.InvalidArgument, "record id is not a UUID")
		}
		id = u.String()
	}
	r := record{id: id, typ: rec.GetSchema().GetName(), data: rec.GetData(),
		json: rec.GetSchema().GetFormat() == streamsv2.SchemaFormat_SCHEMA_FORMAT_JSON}
	if r.typ == "" {
		return record{}, status.Error(codes.InvalidArgument, "record without a schema name")
	}
	if len(rec.GetProperties()) > 0 {
		props := make(map[string]any, len(rec.GetProperties()))
		for k, v := range rec.GetProperties() {
			props[k] = v.AsInterface()
		}
		meta, err := json.Marshal(props)
		if err != nil {
			return record{}, status.Error(codes.InvalidArgument, err.Error())
		}
		r.meta = meta
	}
	return r, nil
}
