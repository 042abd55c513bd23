package settings

import (
	"context"
	"encoding/json"
	"log/slog"
	"time"

	"github.com/webos-engine/webos/application"
	"github.com/webos-engine/webos/domain"
)

// followBatch is how many settings changes Follow reads at a time.
const followBatch = 512

// followed selects the changes of system settings in the global feed.
var followed = application.FeedFilter{StreamPrefix: streamPrefix + string(System) + "-", Types: []string{Changed{}.EventType()}}

// Follow reads the changes of system settings in the global feed after
// position after every interval until ctx ends, and tells the watchers
// (Watch) of them: those made by another process sharing the event store,
// which would otherwise hold here only after a restart. It reads them
// with application.ReadFiltered, so a store that filters its feed
// (application.FilteredFeed) sends only those changes, not every event of
// every server since the last interval. The
// changes made through this service were told already and are not told
// again. Start it from the feed's Head taken before the state it
// watches was read, so no change is missed. A failed read is logged and
// tried again at the next interval from where it stopped. The returned
// channel is closed when Follow has stopped.
func (s *Service) Follow(ctx context.Context, events application.EventStore, after uint64, every time.Duration, log *slog.Logger) <-chan struct{} {
	done := make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(every)
		defer t.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-t.C:
				var err error
				if after, err = s.follow(ctx, events, after, log); err != nil && ctx.Err() == nil {
					log.Warn("could not read the settings changes of other processes; retrying", "error", err)
				}
			}
		}
	}()
	return done
}

// follow tells the watchers of the system settings changes in the feed
// after position after, and returns the position it read up to. A change
// it cannot read is logged and passed over: stopping at it would keep
// every later change from this server.
func (s *Service) follow(ctx context.Context, events application.EventStore, after uint64, log *slog.Logger) (uint64, error) {
	for {
		batch, upTo, err := application.ReadFiltered(ctx, events, after, followed, followBatch)
		if err != nil {
			return after, err
		}
		for _, env := range batch {
			if err := s.replay(env); err != nil {
				log.Error("a settings change of another process cannot be read; passed over", "event", env.ID, "stream", env.StreamID, "error", err)
			}
		}
		after = upTo
		if len(batch) < followBatch {
			return after, nil
		}
	}
}

// replay tells the watchers of env, a change of system settings, when it
// changed a registered section.
func (s *Service) replay(env domain.Envelope) error {
	var c Changed
	if err := json.Unmarshal(env.Data, &c); err != nil {
		return err
	}
	if c.Scope != System || env.StreamID != streamOf(System, c.Module, c.Owner) {
		return nil
	}
	s.mu.RLock()
	sec, ok := s.sections[System][c.Module]
	s.mu.RUnlock()
	if !ok {
		return nil // a module this process does not load
	}
	s.changed(sec, s.document(sec, c.Owner, env.StreamVersion, c.Values))
	return nil
}
