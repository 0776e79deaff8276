package pgcluster

import (
	"crypto/rand"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"syscall"
)

// folder names the files of a cluster folder.
type folder struct {
	dir string
}

func (f folder) dataDir() string      { return filepath.Join(f.dir, "data") }
func (f folder) initDir() string      { return filepath.Join(f.dir, "data.init") }
func (f folder) passwordFile() string { return filepath.Join(f.dir, "password") }
func (f folder) portFile() string     { return filepath.Join(f.dir, "port") }
func (f folder) logFile() string      { return filepath.Join(f.dir, "server.log") }
func (f folder) lockFile() string     { return filepath.Join(f.dir, "lock") }

// hasCluster reports whether initdb has completed here: it runs in data.init, which is
// renamed to data only on success, so a half-made cluster is never mistaken for one.
func (f folder) hasCluster() (bool, error) {
	_, err := os.Stat(f.dataDir())
	if errors.Is(err, fs.ErrNotExist) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking data folder: %w", err)
	}
	return true, nil
}

// make creates the cluster folder for the account. Missing parents get mode 0755 so
// that an unprivileged server user can reach the folder.
func (f folder) make(acc account) error {
	if err := os.MkdirAll(filepath.Dir(f.dir), 0o755); err != nil {
		return fmt.Errorf("creating parent of cluster folder: %w", err)
	}
	if err := os.Mkdir(f.dir, 0o700); err != nil && !errors.Is(err, fs.ErrExist) {
		return fmt.Errorf("creating cluster folder: %w", err)
	}
	return acc.own(f.dir)
}

// lock takes the folder's lock, which the kernel releases when this process ends.
func (f folder) lock(acc account) (*os.File, error) {
	file, err := os.OpenFile(f.lockFile(), os.O_RDWR|os.O_CREATE, 0o600)
	if err != nil {
		return nil, fmt.Errorf("opening lock file: %w", err)
	}

	err = syscall.Flock(int(file.Fd()), syscall.LOCK_EX|syscall.LOCK_NB)
	if errors.Is(err, syscall.EWOULDBLOCK) {
		file.Close()
		return nil, errors.New("another program is already running a server on this " +
			"cluster folder: stop it, or use another folder")
	}
	if err == nil {
		err = acc.own(f.lockFile())
	}
	if err != nil {
		file.Close()
		return nil, fmt.Errorf("locking cluster folder: %w", err)
	}

	return file, nil
}

// writeFile writes a private file and hands it to the account.
func writeFile(path, content string, acc account) error {
	if err := os.WriteFile(path, []byte(content), 0o600); err != nil {
		return fmt.Errorf("writing %s: %w", path, err)
	}
	return acc.own(path)
}

// newPassword returns 128 random bits as base32 letters and digits, which need no
// escaping in URLs or files.
func newPassword() string {
	return rand.Text()
}

func (f folder) readPassword() (string, error) {
	raw, err := os.ReadFile(f.passwordFile())
	if err != nil {
		return "", fmt.Errorf("reading superuser password: %w", err)
	}

	password := strings.TrimSpace(string(raw))
	if password == "" {
		return "", fmt.Errorf("reading superuser password: %s is empty", f.passwordFile())
	}
	return password, nil
}

// rememberedPort returns the port saved by an earlier start, or 0.
func (f folder) rememberedPort() int {
	raw, err := os.ReadFile(f.portFile())
	if err != nil {
		return 0
	}
	port, err := strconv.Atoi(strings.TrimSpace(string(raw)))
	if err != nil || port <= 0 || port > 65535 {
		return 0
	}
	return port
}

func (f folder) rememberPort(port int, acc account) error {
	return writeFile(f.portFile(), strconv.Itoa(port)+"\n", acc)
}

// portFree reports whether nothing listens on port of 127.0.0.1.
func portFree(port int) bool {
	l, err := net.Listen("tcp", net.JoinHostPort("127.0.0.1", strconv.Itoa(port)))
	if err != nil {
		return false
	}
	l.Close()
	return true
}

// freePort asks the kernel for a port of 127.0.0.1 that is free right now.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("finding a free port: %w", err)
	}
	defer l.Close()

	return l.Addr().(*net.TCPAddr).Port, nil
}

// maxLogSize is the size past which server.log is set aside as server.log.1 at start,
// so a long-lived dev folder does not fill the disk with logs.
const maxLogSize = 10 << 20

// openLog opens server.log for appending and returns where this start's lines begin.
func (f folder) openLog(acc account) (*os.File, int64, error) {
	if info, err := os.Stat(f.logFile()); err == nil && info.Size() > maxLogSize {
		if err := os.Rename(f.logFile(), f.logFile()+".1"); err != nil {
			return nil, 0, fmt.Errorf("setting old server log aside: %w", err)
		}
	}

	file, err := os.OpenFile(f.logFile(), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o600)
	if err != nil {
		return nil, 0, fmt.Errorf("opening server log: %w", err)
	}

	offset, err := file.Seek(0, io.SeekEnd)
	if err == nil {
		err = acc.own(f.logFile())
	}
	if err != nil {
		file.Close()
		return nil, 0, fmt.Errorf("preparing server log: %w", err)
	}

	return file, offset, nil
}

// tailSize is how much of the server log an error quotes.
const tailSize = 3000

// logTail returns, ready to append to an error, the end of what the server logged
// since offset.
func (f folder) logTail(offset int64) string {
	file, err := os.Open(f.logFile())
	if err != nil {
		return ""
	}
	defer file.Close()

	info, err := file.Stat()
	if err != nil || info.Size() <= offset {
		return ""
	}

	from := max(offset, info.Size()-tailSize)
	buf := make([]byte, info.Size()-from)
	if _, err := file.ReadAt(buf, from); err != nil && !errors.Is(err, io.EOF) {
		return ""
	}

	text := string(buf)
	if from > offset {
		if cut := strings.IndexByte(text, '\n'); cut >= 0 {
			text = text[cut+1:]
		}
	}

	return "\nlast lines of " + f.logFile() + ":\n" + strings.TrimRight(text, "\n")
}
