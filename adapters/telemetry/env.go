package telemetry

import (
	"context"
	"fmt"
	"net/url"
	"strings"

	"go.opentelemetry.io/otel/attribute"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracegrpc"
	"go.opentelemetry.io/otel/exporters/otlp/otlptrace/otlptracehttp"
	"go.opentelemetry.io/otel/sdk/resource"
	sdktrace "go.opentelemetry.io/otel/sdk/trace"
)

// DefaultServiceName is service.name unless OTEL_SERVICE_NAME or
// OTEL_RESOURCE_ATTRIBUTES say otherwise.
const DefaultServiceName = "webos"

// Config is what ReadEnv read: whether tracing is on and how spans leave.
type Config struct {
	// Protocol is "http/protobuf" or "grpc"; "" means tracing is off.
	Protocol string
}

// ReadEnv decides from the standard OpenTelemetry variables whether the
// OTLP trace exporter runs. Tracing is off by default, unlike the SDK
// specification's default exporter (otlp to localhost): nothing is traced
// or sent unless OTEL_TRACES_EXPORTER=otlp, or an OTLP endpoint
// (OTEL_EXPORTER_OTLP_ENDPOINT, OTEL_EXPORTER_OTLP_TRACES_ENDPOINT) is set
// and OTEL_TRACES_EXPORTER is not "none". OTEL_SDK_DISABLED=true turns it
// off whatever the rest says. A value the engine cannot honour is an
// error naming the variable, never a silent fallback.
func ReadEnv(getenv func(string) string) (Config, error) {
	if strings.EqualFold(strings.TrimSpace(getenv("OTEL_SDK_DISABLED")), "true") {
		return Config{}, nil
	}
	on := false
	for _, name := range strings.Split(getenv("OTEL_TRACES_EXPORTER"), ",") {
		switch name = strings.TrimSpace(name); name {
		case "":
		case "none":
			return Config{}, nil
		case "otlp":
			on = true
		default:
			return Config{}, fmt.Errorf("OTEL_TRACES_EXPORTER: %q is not supported (otlp or none)", name)
		}
	}
	for _, v := range []string{"OTEL_EXPORTER_OTLP_TRACES_ENDPOINT", "OTEL_EXPORTER_OTLP_ENDPOINT"} {
		raw := strings.TrimSpace(getenv(v))
		if raw == "" {
			continue
		}
		if u, err := url.Parse(raw); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			// The value can hold credentials: name the variable only.
			return Config{}, fmt.Errorf("%s is not an http:// or https:// URL with a host", v)
		}
		on = true
	}
	if !on {
		return Config{}, nil
	}
	proto := strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_TRACES_PROTOCOL"))
	if proto == "" {
		proto = strings.TrimSpace(getenv("OTEL_EXPORTER_OTLP_PROTOCOL"))
	}
	switch proto {
	case "", "http/protobuf":
		return Config{Protocol: "http/protobuf"}, nil
	case "grpc":
		return Config{Protocol: "grpc"}, nil
	}
	return Config{}, fmt.Errorf("OTEL_EXPORTER_OTLP_PROTOCOL: %q is not supported (http/protobuf or grpc)", proto)
}

// Start returns the Tracer cfg (from ReadEnv) asks for, or nil when
// tracing is off. The exporter itself reads the rest of the OTLP
// variables (endpoint, headers, timeout, compression, certificates), the
// SDK the sampler (OTEL_TRACES_SAMPLER, default parentbased_always_on) and
// the batch processor's (OTEL_BSP_*), and the resource OTEL_SERVICE_NAME
// and OTEL_RESOURCE_ATTRIBUTES. version becomes service.version.
func Start(ctx context.Context, cfg Config, version string) (*Tracer, error) {
	if cfg.Protocol == "" {
		return nil, nil
	}
	var (
		exp sdktrace.SpanExporter
		err error
	)
	if cfg.Protocol == "grpc" {
		exp, err = otlptracegrpc.New(ctx)
	} else {
		exp, err = otlptracehttp.New(ctx)
	}
	if err != nil {
		return nil, fmt.Errorf("OTLP trace exporter: %w", err)
	}
	res, err := resource.New(ctx,
		resource.WithAttributes(attribute.String("service.name", DefaultServiceName), attribute.String("service.version", version)),
		resource.WithFromEnv(), resource.WithTelemetrySDK())
	if err != nil {
		return nil, fmt.Errorf("OTEL_RESOURCE_ATTRIBUTES: %w", err)
	}
	tp := sdktrace.NewTracerProvider(sdktrace.WithBatcher(exp), sdktrace.WithResource(res))
	t := NewTracer(tp)
	t.shutdown = tp.Shutdown
	return t, nil
}
