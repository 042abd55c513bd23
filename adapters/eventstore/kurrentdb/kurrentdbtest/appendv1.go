package kurrentdbtest

import (
	"errors"
	"io"

	"github.com/google/uuid"
	"github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/shared"
	streamsv1 "github.com/kurrent-io/KurrentDB-Client-Go/protos/kurrentdb/protocols/v1/streams"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/status"
)

// Append is the v1 single-stream append (the client sets stream metadata
// with it): an options message, then the proposed events. A failed
// expected-revision check is answered in the response, not as an error
// status, as the v1 protocol does.
func (s *readServer) Append(call grpc.ClientStreamingServer[streamsv1.AppendReq, streamsv1.AppendResp]) error {
	first, err := call.Recv()
	if err != nil {
		return err
	}
	o := first.GetOptions()
	if o == nil {
		return status.Error(codes.InvalidArgument, "an append starts with its options")
	}
	p := pending{stream: string(o.GetStreamIdentifier().GetStreamName()), expected: revisionAny}
	switch {
	case o.GetNoStream() != nil:
		p.expected = revisionNoStream
	case o.GetStreamExists() != nil:
		p.expected = revisionStreamExists
	case o.GetAny() == nil:
		p.expected = int64(o.GetRevision())
	}
	for {
		req, err := call.Recv()
		if errors.Is(err, io.EOF) {
			break
		}
		if err != nil {
			return err
		}
		m := req.GetProposedMessage()
		id, err := protoUUID(m.GetId())
		if err != nil {
			return status.Error(codes.InvalidArgument, "event id is not a UUID")
		}
		p.records = append(p.records, record{id: id, typ: m.GetMetadata()["type"],
			json: m.GetMetadata()["content-type"] == "application/json", data: m.GetData(), meta: m.GetCustomMetadata()})
	}
	resp, c := s.log.commit([]pending{p})
	if c != nil {
		w := &streamsv1.AppendResp_WrongExpectedVersion{}
		if c.actual < 0 {
			w.CurrentRevisionOption = &streamsv1.AppendResp_WrongExpectedVersion_CurrentNoStream{CurrentNoStream: &shared.Empty{}}
		} else {
			w.CurrentRevisionOption = &streamsv1.AppendResp_WrongExpectedVersion_CurrentRevision{CurrentRevision: uint64(c.actual)}
		}
		return call.SendAndClose(&streamsv1.AppendResp{Result: &streamsv1.AppendResp_WrongExpectedVersion_{WrongExpectedVersion: w}})
	}
	out := resp.GetOutput()[0]
	pos := uint64(out.GetPosition())
	return call.SendAndClose(&streamsv1.AppendResp{Result: &streamsv1.AppendResp_Success_{Success: &streamsv1.AppendResp_Success{
		CurrentRevisionOption: &streamsv1.AppendResp_Success_CurrentRevision{CurrentRevision: uint64(out.GetStreamRevision())},
		PositionOption:        &streamsv1.AppendResp_Success_Position{Position: &streamsv1.AppendResp_Position{CommitPosition: pos, PreparePosition: pos}},
	}}})
}

func protoUUID(u *shared.UUID) (string, error) {
	if s := u.GetStructured(); s != nil {
		var b [16]byte
		for i := range 8 {
			b[i] = byte(uint64(s.GetMostSignificantBits()) >> (56 - 8*i))
			b[8+i] = byte(uint64(s.GetLeastSignificantBits()) >> (56 - 8*i))
		}
		return uuid.UUID(b).String(), nil
	}
	id, err := uuid.Parse(u.GetString_())
	return id.String(), err
}
