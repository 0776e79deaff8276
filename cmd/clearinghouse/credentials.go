package main

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"

	"clearinghouse/auth"
	"clearinghouse/config"
)

// credentialsFile keeps the secrets dev generated, readable by the owner
// only, so that a second start and the simulator find them again.
const credentialsFile = "credentials.json"

// devCredentials are the secrets of a dev installation.
type devCredentials struct {
	MarketAPIKey      string `json:"market_api_key"`
	BootstrapOperator string `json:"bootstrap_operator"`
	BootstrapPassword string `json:"bootstrap_password"`
	// DatabaseURL is the private cluster's URL while dev runs, for tools
	// such as reconcile.
	DatabaseURL string `json:"database_url,omitempty"`
}

// loadOrCreateCredentials fills the secrets the environment does not set
// from the data folder, generating and saving the missing ones. It reports
// whether it generated any.
func loadOrCreateCredentials(cfg *config.Config) (bool, error) {
	path := filepath.Join(cfg.DataDir, credentialsFile)
	saved, err := readCredentials(path)
	if err != nil {
		return false, err
	}
	generated := false
	fill := func(dst *string, env, saved string, gen func() (string, error)) error {
		switch {
		case env != "":
			*dst = env
		case saved != "":
			*dst = saved
		default:
			v, err := gen()
			*dst, generated = v, true
			return err
		}
		return nil
	}
	token := func() (string, error) { return auth.RandomToken(24) }
	operator := func() (string, error) { return "operator", nil }
	if err := errors.Join(
		fill(&saved.MarketAPIKey, cfg.MarketAPIKey, saved.MarketAPIKey, token),
		fill(&saved.BootstrapOperator, cfg.BootstrapOperator, saved.BootstrapOperator, operator),
		fill(&saved.BootstrapPassword, cfg.BootstrapPassword, saved.BootstrapPassword, token),
	); err != nil {
		return false, err
	}
	cfg.MarketAPIKey = saved.MarketAPIKey
	cfg.BootstrapOperator = saved.BootstrapOperator
	cfg.BootstrapPassword = saved.BootstrapPassword
	if generated {
		return true, writeCredentials(path, saved)
	}
	return false, nil
}

func readCredentials(path string) (devCredentials, error) {
	var c devCredentials
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return c, nil
	}
	if err != nil {
		return c, fmt.Errorf("reading %s: %w", path, err)
	}
	if err := json.Unmarshal(data, &c); err != nil {
		return c, fmt.Errorf("reading %s: %w", path, err)
	}
	return c, nil
}

func writeCredentials(path string, c devCredentials) error {
	data, err := json.MarshalIndent(c, "", "  ")
	if err != nil {
		return fmt.Errorf("encoding credentials: %w", err)
	}
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		return fmt.Errorf("saving credentials: %w", err)
	}
	return nil
}

// saveDatabaseURL records the private cluster's URL beside the secrets.
func saveDatabaseURL(dataDir, url string) error {
	path := filepath.Join(dataDir, credentialsFile)
	saved, err := readCredentials(path)
	if err != nil {
		return err
	}
	saved.DatabaseURL = url
	return writeCredentials(path, saved)
}

// devCredentialsOrEnv gives the environment's secrets, falling back on a
// dev installation's saved ones, for tools run beside dev.
func devCredentialsOrEnv(cfg config.Config) devCredentials {
	saved, _ := readCredentials(filepath.Join(cfg.DataDir, credentialsFile))
	if cfg.MarketAPIKey != "" {
		saved.MarketAPIKey = cfg.MarketAPIKey
	}
	if cfg.DatabaseURL != "" {
		saved.DatabaseURL = cfg.DatabaseURL
	}
	if cfg.BootstrapOperator != "" {
		saved.BootstrapOperator = cfg.BootstrapOperator
		saved.BootstrapPassword = cfg.BootstrapPassword
	}
	return saved
}
