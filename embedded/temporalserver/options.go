package temporalserver

import (
	"errors"
	"fmt"
	"log/slog"
	"net"
	"regexp"
	"strconv"

	enumspb "go.temporal.io/api/enums/v1"
	"go.temporal.io/server/common/searchattribute/sadefs"
)

// DefaultNamespace is the namespace created when Options.Namespace is empty.
const DefaultNamespace = "default"

// loopbackIP is the only address the embedded server and its UI listen on.
const loopbackIP = "127.0.0.1"

// Options configures an embedded Temporal server.
type Options struct {
	// DataDir is the folder holding the SQLite file; it must be empty with Ephemeral.
	DataDir string
	// Ephemeral keeps everything in an in-memory SQLite database (tests).
	Ephemeral bool
	// FrontendAddr is the host:port of the gRPC frontend; port 0 picks a free port, and
	// "" means 127.0.0.1:0.
	FrontendAddr string
	// UIAddr is the host:port of the Web UI; "" runs no UI, port 0 picks a free port.
	UIAddr string
	// Namespace is created at start when missing; "" means DefaultNamespace.
	Namespace string
	// SearchAttributes are custom search attributes registered on the namespace at every
	// start; names are letters, digits and underscores. Attributes are only ever added.
	SearchAttributes map[string]enumspb.IndexedValueType
	// Logger receives the server's warnings and errors; nil means slog.Default().
	Logger *slog.Logger
}

// normalized returns a copy of o with defaults filled in, or the first problem found.
func (o Options) normalized() (Options, error) {
	if o.Namespace == "" {
		o.Namespace = DefaultNamespace
	}
	if o.FrontendAddr == "" {
		o.FrontendAddr = net.JoinHostPort(loopbackIP, "0")
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}

	if err := o.validateStore(); err != nil {
		return o, err
	}
	if err := validateLoopback(o.FrontendAddr); err != nil {
		return o, fmt.Errorf("checking frontend address: %w", err)
	}
	if o.UIAddr != "" {
		if err := validateLoopback(o.UIAddr); err != nil {
			return o, fmt.Errorf("checking UI address: %w", err)
		}
	}
	return o, validateSearchAttributes(o.SearchAttributes)
}

func (o Options) validateStore() error {
	if o.Ephemeral && o.DataDir != "" {
		return errors.New("checking options: DataDir must be empty when Ephemeral is set")
	}
	if !o.Ephemeral && o.DataDir == "" {
		return errors.New("checking options: DataDir is required unless Ephemeral is set")
	}
	return nil
}

// validateLoopback refuses any address the server could be reached on from another host.
func validateLoopback(addr string) error {
	host, port, err := net.SplitHostPort(addr)
	if err != nil {
		return fmt.Errorf("parsing %q: %w", addr, err)
	}
	if host != loopbackIP {
		return fmt.Errorf("host of %q must be %s", addr, loopbackIP)
	}
	if _, err := strconv.ParseUint(port, 10, 16); err != nil {
		return fmt.Errorf("parsing port of %q: %w", addr, err)
	}
	return nil
}

// attrName is what a search attribute name may look like here: anything else would need
// quoting in visibility queries.
var attrName = regexp.MustCompile(`^[A-Za-z_][A-Za-z0-9_]*$`)

func validateSearchAttributes(attrs map[string]enumspb.IndexedValueType) error {
	for name, valueType := range attrs {
		if !attrName.MatchString(name) {
			return fmt.Errorf("checking search attribute %q: not a plain identifier", name)
		}
		if sadefs.IsReserved(name) {
			return fmt.Errorf("checking search attribute %q: name is reserved", name)
		}
		if valueType == enumspb.INDEXED_VALUE_TYPE_UNSPECIFIED {
			return fmt.Errorf("checking search attribute %q: type is unspecified", name)
		}
	}
	return nil
}
