package bus

import "strings"

// PoisonTopic is where a message goes after its handler failed every
// retry; the Poison archive reads it.
const PoisonTopic = "webos-poison"

// EventTopic is the topic events of type eventType are published to:
// "webos-event-" and the type with its dots replaced by "-".
func EventTopic(eventType string) string {
	return "webos-event-" + strings.ReplaceAll(eventType, ".", "-")
}

// CommandTopic is the topic commands of type commandType travel on over
// the command bus: "webos-command-" and the type with its dots replaced
// by "-".
func CommandTopic(commandType string) string {
	return "webos-command-" + strings.ReplaceAll(commandType, ".", "-")
}
