package temporalserver

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"time"

	uiserver "github.com/temporalio/ui-server/v2/server"
	uiconfig "github.com/temporalio/ui-server/v2/server/config"
	"github.com/temporalio/ui-server/v2/server/server_options"
)

// uiStopTimeout bounds how long Stop waits for the UI's serving goroutine to return.
const uiStopTimeout = 5 * time.Second

// webUI is a running Temporal Web UI.
type webUI struct {
	server *uiserver.Server
	addr   string
	done   chan struct{}
	http   *http.Client
}

// startUI serves the Web UI at addr for the frontend at frontendAddr and returns once
// it answers.
func startUI(ctx context.Context, addr, frontendAddr, namespace string) (*webUI, error) {
	addr, err := reserveAddr(addr)
	if err != nil {
		return nil, fmt.Errorf("choosing web UI address: %w", err)
	}
	cfg, err := uiConfig(addr, frontendAddr, namespace)
	if err != nil {
		return nil, err
	}

	ui := &webUI{
		server: uiserver.NewServer(server_options.WithConfigProvider(cfg)),
		addr:   addr,
		done:   make(chan struct{}),
		// No proxy: the UI is on loopback, whatever the environment says.
		http: &http.Client{Transport: &http.Transport{Proxy: nil}},
	}
	go ui.serve()

	if err := waitUntil(ctx, ui.checkHealth); err != nil {
		return nil, errors.Join(fmt.Errorf("waiting for web UI: %w", err), ui.stop())
	}
	return ui, nil
}

func uiConfig(addr, frontendAddr, namespace string) (*uiconfig.Config, error) {
	host, portText, err := net.SplitHostPort(addr)
	if err != nil {
		return nil, fmt.Errorf("parsing web UI address %q: %w", addr, err)
	}
	port, err := strconv.Atoi(portText)
	if err != nil {
		return nil, fmt.Errorf("parsing web UI port %q: %w", addr, err)
	}

	return &uiconfig.Config{
		TemporalGRPCAddress: frontendAddr,
		Host:                host,
		Port:                port,
		EnableUI:            true,
		DefaultNamespace:    namespace,
		HideLogs:            true,
		// The UI must not reach out to the internet for news or release checks.
		DisableNewsFetch:   true,
		NotifyOnNewVersion: false,
		// Plain HTTP on loopback: a cookie marked secure would never reach the UI.
		CORS: uiconfig.CORS{CookieInsecure: true},
	}, nil
}

// serve runs the UI until stop; it returns nil once the UI is closed.
func (u *webUI) serve() {
	defer close(u.done)
	_ = u.server.Start()
}

func (u *webUI) checkHealth(ctx context.Context) error {
	url := "http://" + u.addr + "/healthz"
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return fmt.Errorf("building health request: %w", err)
	}
	resp, err := u.http.Do(req)
	if err != nil {
		return fmt.Errorf("calling web UI health: %w", err)
	}
	defer func() { _ = resp.Body.Close() }()

	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("calling web UI health: status %d", resp.StatusCode)
	}
	return nil
}

// stop closes the UI's listener and waits, boundedly, for its goroutine to end.
func (u *webUI) stop() error {
	u.server.Stop()
	u.http.CloseIdleConnections()

	select {
	case <-u.done:
		return nil
	case <-time.After(uiStopTimeout):
		return errors.New("stopping web UI: still serving after close")
	}
}
