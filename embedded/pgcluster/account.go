package pgcluster

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"os/user"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"syscall"
)

// account is the operating-system user the server programs run as. PostgreSQL refuses
// to run as root, so a root process hands the server to an unprivileged user.
type account struct {
	name     string
	uid, gid uint32
	groups   []uint32
	switched bool // the programs run under another user than this process
}

// serverAccount picks the current user, or when running as root the postgres system
// user, falling back to nobody.
func serverAccount() (account, error) {
	if os.Geteuid() != 0 {
		return account{name: currentUserName(), uid: uint32(os.Geteuid())}, nil
	}

	for _, name := range []string{"postgres", "nobody"} {
		u, err := user.Lookup(name)
		if err == nil {
			return accountOf(u)
		}
	}

	return account{}, errors.New("finding an unprivileged user for the server: " +
		"running as root, and neither the postgres nor the nobody user exists")
}

func currentUserName() string {
	if u, err := user.Current(); err == nil {
		return u.Username
	}
	return strconv.Itoa(os.Geteuid())
}

func accountOf(u *user.User) (account, error) {
	uid, errUID := strconv.ParseUint(u.Uid, 10, 32)
	gid, errGID := strconv.ParseUint(u.Gid, 10, 32)
	if err := errors.Join(errUID, errGID); err != nil {
		return account{}, fmt.Errorf("reading ids of user %s: %w", u.Username, err)
	}

	acc := account{name: u.Username, uid: uint32(uid), gid: uint32(gid), switched: true}
	ids, _ := u.GroupIds() // without the group list the primary group still applies
	for _, id := range ids {
		if n, err := strconv.ParseUint(id, 10, 32); err == nil {
			acc.groups = append(acc.groups, uint32(n))
		}
	}

	return acc, nil
}

// procAttr makes a child process run as the account, in a process group of its own so
// that a terminal's Ctrl-C reaches this program and not the server behind its back.
func (a account) procAttr() *syscall.SysProcAttr {
	attr := &syscall.SysProcAttr{Setpgid: true}
	if a.switched {
		attr.Credential = &syscall.Credential{Uid: a.uid, Gid: a.gid, Groups: a.groups}
	}
	return attr
}

// own gives path to the account; nothing to do when the programs run as this process.
func (a account) own(path string) error {
	if !a.switched {
		return nil
	}
	if err := os.Lchown(path, int(a.uid), int(a.gid)); err != nil {
		return fmt.Errorf("handing %s to user %s: %w", path, a.name, err)
	}
	return nil
}

// ownTree gives a whole folder to the account when its top is owned by someone else,
// e.g. a cluster first created by a non-root user and now started by root.
func (a account) ownTree(dir string) error {
	if !a.switched {
		return nil
	}

	info, err := os.Lstat(dir)
	if err != nil {
		return fmt.Errorf("checking owner of %s: %w", dir, err)
	}
	if st, ok := info.Sys().(*syscall.Stat_t); ok && st.Uid == a.uid {
		return nil
	}

	return filepath.WalkDir(dir, func(path string, _ fs.DirEntry, err error) error {
		if err != nil {
			return err
		}
		return a.own(path)
	})
}

// checkReach fails, naming the folders, when the account cannot enter existing
// folders on the way to dir. Changing permissions of folders that are not ours would
// be a surprise, and so would a cluster quietly placed elsewhere.
func (a account) checkReach(dir string) error {
	if !a.switched {
		return nil
	}

	var closed []string
	for parent := filepath.Dir(dir); ; parent = filepath.Dir(parent) {
		ok, err := a.mayEnter(parent)
		if err != nil {
			return err
		}
		if !ok {
			closed = append([]string{parent}, closed...)
		}
		if parent == filepath.Dir(parent) {
			break
		}
	}
	if len(closed) == 0 {
		return nil
	}

	list := strings.Join(closed, " ")
	return fmt.Errorf("the PostgreSQL server runs as user %s, which cannot enter folder %s: "+
		"choose a cluster folder it can reach, or let it through with chmod o+x %s",
		a.name, list, list)
}

// mayEnter reports whether the account may traverse dir; a folder that does not exist
// yet will be created with permissions everyone can traverse.
func (a account) mayEnter(dir string) (bool, error) {
	info, err := os.Stat(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return true, nil
	}
	if err != nil {
		return false, fmt.Errorf("checking folder %s: %w", dir, err)
	}

	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok {
		return true, nil
	}
	return a.mayEnterMode(info.Mode(), st), nil
}

func (a account) mayEnterMode(mode fs.FileMode, st *syscall.Stat_t) bool {
	switch {
	case st.Uid == a.uid:
		return mode&0o100 != 0
	case st.Gid == a.gid || slices.Contains(a.groups, st.Gid):
		return mode&0o010 != 0
	default:
		return mode&0o001 != 0
	}
}
