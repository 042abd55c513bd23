package warehouse

import (
	"encoding/json"
	"fmt"

	"github.com/webos-engine/webos/modules/warehouse/contract"
)

// stockReceivedV1ToV2 upcasts a StockReceived stored at schema version 1,
// which had no source: returns could not be recorded then, so every
// version 1 receipt was a delivery. It runs on read only; the stored
// bytes, and so the stream's hash chain, stay as written.
func stockReceivedV1ToV2(data json.RawMessage) (json.RawMessage, error) {
	var fields map[string]json.RawMessage
	if err := json.Unmarshal(data, &fields); err != nil {
		return nil, fmt.Errorf("StockReceived v1: %w", err)
	}
	fields["source"] = json.RawMessage(`"` + contract.SourceDelivery + `"`)
	return json.Marshal(fields)
}
