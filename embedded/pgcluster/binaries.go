package pgcluster

import (
	"bytes"
	"cmp"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
)

// ErrNoBinaries is returned, wrapped, when no PostgreSQL server binaries are found.
var ErrNoBinaries = errors.New("no PostgreSQL server binaries (initdb, postgres) found: " +
	"install them (Debian/Ubuntu: apt-get install postgresql), " +
	"or set DATABASE_URL to use an existing server")

// debianRoot is where Debian and Ubuntu install one folder per PostgreSQL major version.
const debianRoot = "/usr/lib/postgresql"

// binaries locates the server programs of one PostgreSQL installation.
type binaries struct {
	dir     string // folder holding initdb and postgres
	version string // full version, e.g. "15.18"
	major   string // major version as written in PG_VERSION, e.g. "15" or "9.6"
}

func (b binaries) path(program string) string {
	return filepath.Join(b.dir, program)
}

// findBinaries looks in binDir when given, else beside initdb on PATH, else in the
// newest Debian version folder.
func findBinaries(ctx context.Context, binDir string) (binaries, error) {
	dir, err := findBinDir(binDir)
	if err != nil {
		return binaries{}, err
	}

	return probeVersion(ctx, dir)
}

func findBinDir(binDir string) (string, error) {
	if binDir != "" {
		if !hasServerPrograms(binDir) {
			return "", fmt.Errorf("looking in %s: %w", binDir, ErrNoBinaries)
		}
		return binDir, nil
	}

	if initdb, err := exec.LookPath("initdb"); err == nil {
		// Follow symbolic links so a link on PATH leads to the real installation.
		if real, err := filepath.EvalSymlinks(initdb); err == nil {
			if dir := filepath.Dir(real); hasServerPrograms(dir) {
				return dir, nil
			}
		}
	}

	versions := debianVersions()
	if len(versions) == 0 {
		return "", fmt.Errorf("looking on PATH and in %s: %w", debianRoot, ErrNoBinaries)
	}

	return debianBinDir(versions[len(versions)-1]), nil
}

func debianBinDir(version string) string {
	return filepath.Join(debianRoot, version, "bin")
}

func hasServerPrograms(dir string) bool {
	for _, program := range []string{"initdb", "postgres"} {
		info, err := os.Stat(filepath.Join(dir, program))
		if err != nil || info.IsDir() || info.Mode().Perm()&0o111 == 0 {
			return false
		}
	}
	return true
}

// debianVersions lists the Debian version folders holding server programs, oldest first.
func debianVersions() []string {
	entries, err := os.ReadDir(debianRoot)
	if err != nil {
		return nil
	}

	var versions []string
	for _, entry := range entries {
		if hasServerPrograms(debianBinDir(entry.Name())) {
			versions = append(versions, entry.Name())
		}
	}
	slices.SortFunc(versions, compareVersions)

	return versions
}

// compareVersions orders dotted numeric versions such as "9.6" and "15".
func compareVersions(a, b string) int {
	as, bs := strings.Split(a, "."), strings.Split(b, ".")
	for i := 0; i < len(as) && i < len(bs); i++ {
		an, _ := strconv.Atoi(as[i])
		bn, _ := strconv.Atoi(bs[i])
		if an != bn {
			return cmp.Compare(an, bn)
		}
	}
	return cmp.Compare(len(as), len(bs))
}

// probeVersion asks the postgres program for its version; it answers even as root.
func probeVersion(ctx context.Context, dir string) (binaries, error) {
	out, err := exec.CommandContext(ctx, filepath.Join(dir, "postgres"), "--version").Output()
	if err != nil {
		return binaries{}, fmt.Errorf("running %s/postgres --version: %w", dir, err)
	}

	// The answer reads like "postgres (PostgreSQL) 15.18 (Debian 15.18-0+deb12u1)".
	fields := strings.Fields(string(bytes.TrimSpace(out)))
	if len(fields) < 3 {
		return binaries{}, fmt.Errorf("reading version of %s/postgres: unexpected %q", dir, out)
	}

	version := fields[2]
	return binaries{dir: dir, version: version, major: majorVersion(version)}, nil
}

// majorVersion keeps the part of a version that PG_VERSION records: "15" from "15.18"
// or "17beta1", "9.6" from "9.6.24".
func majorVersion(version string) string {
	parts := strings.Split(version, ".")
	if n, err := strconv.Atoi(parts[0]); err == nil && n < 10 && len(parts) > 1 {
		return parts[0] + "." + parts[1]
	}

	end := strings.IndexFunc(parts[0], func(r rune) bool { return r < '0' || r > '9' })
	if end < 0 {
		return parts[0]
	}
	return parts[0][:end]
}
