package temporalserver

import (
	"fmt"
	"net"
	"strconv"
	"time"

	"go.temporal.io/server/common/authorization"
	"go.temporal.io/server/common/cluster"
	"go.temporal.io/server/common/config"
	"go.temporal.io/server/common/dynamicconfig"
	"go.temporal.io/server/common/membership/static"
	"go.temporal.io/server/common/primitives"
	"go.temporal.io/server/temporal"
)

// clusterName names the single cluster this server forms on its own.
const clusterName = "active"

// frontendHTTP is the key of the frontend's HTTP API in serviceAddrs.
const frontendHTTP primitives.ServiceName = "frontend-http"

// serviceAddrs holds the loopback address of each listener of the server: the gRPC
// address of every service, and the frontend's HTTP API under frontendHTTP.
type serviceAddrs map[primitives.ServiceName]string

// allocateServices takes the frontend address as given and picks free loopback ports for
// the other listeners. Every service listens on its own port even in one process.
func allocateServices(frontendAddr string) (serviceAddrs, error) {
	frontend, err := reserveAddr(frontendAddr)
	if err != nil {
		return nil, fmt.Errorf("choosing frontend address: %w", err)
	}

	addrs := serviceAddrs{primitives.FrontendService: frontend}
	others := []primitives.ServiceName{
		frontendHTTP, primitives.HistoryService, primitives.MatchingService,
		primitives.WorkerService,
	}
	for _, name := range others {
		addr, err := reserveAddr(net.JoinHostPort(loopbackIP, "0"))
		if err != nil {
			return nil, fmt.Errorf("choosing %s address: %w", name, err)
		}
		addrs[name] = addr
	}
	return addrs, nil
}

// reserveAddr returns addr with port 0 replaced by a free port, held as holdPort explains;
// a port given explicitly is only checked, so that a clash is an error now rather than a
// failure inside the server later.
func reserveAddr(addr string) (string, error) {
	l, err := net.Listen("tcp", addr)
	if err != nil {
		return "", fmt.Errorf("listening on %s: %w", addr, err)
	}
	defer func() { _ = l.Close() }()

	_, port, err := net.SplitHostPort(addr)
	if err != nil {
		return "", fmt.Errorf("parsing %q: %w", addr, err)
	}
	if port == "0" {
		if err := holdPort(l); err != nil {
			return "", err
		}
	}
	return l.Addr().String(), nil
}

// holdPort keeps the port of l from being handed out again between now and the moment
// the server binds it. Ports for port 0 and for outgoing connections come from the same
// range, and busy processes nearby take them quickly. A connection closed first by its
// accepting side leaves that side in TIME_WAIT on the port for about a minute; meanwhile
// the kernel gives the port to nobody else, while a listener (which sets SO_REUSEADDR,
// as Go's do) may still bind it explicitly.
func holdPort(l net.Listener) error {
	dialer := net.Dialer{Timeout: time.Second}
	out, err := dialer.Dial("tcp", l.Addr().String())
	if err != nil {
		return fmt.Errorf("connecting to %s: %w", l.Addr(), err)
	}
	defer func() { _ = out.Close() }()

	in, err := l.Accept()
	if err != nil {
		return fmt.Errorf("accepting on %s: %w", l.Addr(), err)
	}
	if err := in.Close(); err != nil {
		return fmt.Errorf("closing connection on %s: %w", l.Addr(), err)
	}
	return nil
}

// serverConfig is the static configuration of a one-process server on SQLite. Global
// stays empty: no metrics or profiling listener.
func serverConfig(addrs serviceAddrs, persistence config.Persistence) (*config.Config, error) {
	services := make(map[string]config.Service, len(temporal.DefaultServices))
	for _, name := range temporal.DefaultServices {
		rpc, err := rpcConfig(addrs[primitives.ServiceName(name)])
		if err != nil {
			return nil, err
		}
		services[name] = config.Service{RPC: rpc}
	}

	// The HTTP API serves the same calls as gRPC; without it the frontend warns at every
	// start that Nexus endpoints are unavailable.
	frontendRPC := services[string(primitives.FrontendService)].RPC
	httpRPC, err := rpcConfig(addrs[frontendHTTP])
	if err != nil {
		return nil, err
	}
	frontendRPC.HTTPPort = httpRPC.GRPCPort
	services[string(primitives.FrontendService)] = config.Service{RPC: frontendRPC}

	frontend := addrs[primitives.FrontendService]
	return &config.Config{
		Persistence:         persistence,
		ClusterMetadata:     clusterMetadata(frontend, addrs[frontendHTTP]),
		DCRedirectionPolicy: config.DCRedirectionPolicy{Policy: "noop"},
		Services:            services,
		Archival:            disabledArchival(),
		NamespaceDefaults:   disabledArchivalDefaults(),
		// The worker service reaches the frontend through this client.
		PublicClient: config.PublicClient{HostPort: frontend},
	}, nil
}

// rpcConfig binds a listener to its loopback address.
func rpcConfig(addr string) (config.RPC, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return config.RPC{}, fmt.Errorf("parsing service address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return config.RPC{}, fmt.Errorf("parsing service port %q: %w", addr, err)
	}
	return config.RPC{GRPCPort: port, BindOnIP: host}, nil
}

func clusterMetadata(frontend, frontendHTTP string) *cluster.Config {
	return &cluster.Config{
		EnableGlobalNamespace:    false,
		FailoverVersionIncrement: 10,
		MasterClusterName:        clusterName,
		CurrentClusterName:       clusterName,
		ClusterInformation: map[string]cluster.ClusterInformation{
			clusterName: {
				Enabled:                true,
				InitialFailoverVersion: 1,
				RPCAddress:             frontend,
				HTTPAddress:            frontendHTTP,
			},
		},
	}
}

func disabledArchival() config.Archival {
	return config.Archival{
		History:    config.HistoryArchival{State: "disabled"},
		Visibility: config.VisibilityArchival{State: "disabled"},
	}
}

func disabledArchivalDefaults() config.NamespaceDefaults {
	return config.NamespaceDefaults{
		Archival: config.ArchivalNamespaceDefaults{
			History:    config.HistoryArchivalNamespaceDefaults{State: "disabled"},
			Visibility: config.VisibilityArchivalNamespaceDefaults{State: "disabled"},
		},
	}
}

// dynamicConfig overrides server defaults that do not suit an embedded server.
func dynamicConfig() dynamicconfig.StaticClient {
	off := []dynamicconfig.ConstrainedValue{{Value: false}}
	return dynamicconfig.StaticClient{
		// The version check reports to and asks a host on the internet once a day;
		// an embedded server talks to nothing but loopback.
		dynamicconfig.EnableServerVersionCheck.Key(): off,
		// The worker service starts these background workers and never stops them, so
		// each server stopped in a process would leave them polling a closed port. Without
		// the parent-close worker, history applies parent close policies itself; the
		// scanners only tidy task queues and history of long-lived clusters.
		dynamicconfig.EnableParentClosePolicyWorker.Key(): off,
		dynamicconfig.TaskQueueScannerEnabled.Key():       off,
		dynamicconfig.HistoryScannerEnabled.Key():         off,
	}
}

// serverOptions assembles everything the server needs. Services find each other through
// the fixed address list instead of a gossip ring, which would need one more port each.
func serverOptions(cfg *config.Config, addrs serviceAddrs, l serverLogger) []temporal.ServerOption {
	hosts := make(map[primitives.ServiceName]static.Hosts, len(temporal.DefaultServices))
	for _, name := range temporal.DefaultServices {
		service := primitives.ServiceName(name)
		hosts[service] = static.SingleLocalHost(addrs[service])
	}

	return []temporal.ServerOption{
		temporal.WithConfig(cfg),
		temporal.ForServices(temporal.DefaultServices),
		temporal.WithStaticHosts(hosts),
		temporal.WithLogger(l),
		temporal.WithDynamicConfigClient(dynamicConfig()),
		// Only loopback can reach the server, so every caller may do everything.
		temporal.WithAuthorizer(authorization.NewNoopAuthorizer()),
		temporal.WithClaimMapper(func(*config.Config) authorization.ClaimMapper {
			return authorization.NewNoopClaimMapper()
		}),
	}
}
