package pgtest

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"runtime"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/jackc/pgx/v5"
)

// startTimeout bounds initdb plus the server's start: generous, because a
// busy 2-core CI machine runs other test binaries beside this one.
const startTimeout = 2 * time.Minute

// libRoot is where Debian installs each PostgreSQL version's binaries.
const libRoot = "/usr/lib/postgresql"

// Server is a throwaway PostgreSQL server: its files in a temporary
// directory, listening on 127.0.0.1 only, superuser postgres with trust
// authentication.
type Server struct {
	bin   string    // the directory holding initdb, pg_ctl and postgres
	runAs string    // the user to run them as (root cannot); "" for this process's
	dir   string    // temporary: data/, the unix socket, postgres.log
	hold  io.Closer // holds dir while this process lives (see sweepAbandoned)
	port  int

	mu   sync.Mutex
	proc *process // nil while stopped
}

// process is one run of the postgres server.
type process struct {
	cmd  *exec.Cmd
	done chan struct{} // closed when it has exited
	err  error         // its exit status, once done
}

// NewServer starts a private server for a test that must stop and restart
// it; the server is stopped and its files removed when the test ends. It
// works whether or not SITREP_TEST_DATABASE_URL is set, and skips the test
// when PostgreSQL's binaries (or, as root, the postgres user and runuser)
// are missing. Most tests want NewDatabase.
func NewServer(tb testing.TB) *Server {
	tb.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), startTimeout)
	defer cancel()
	s, err := startServer(ctx)
	skipOrFail(tb, err)
	tb.Cleanup(func() {
		if err := s.close(); err != nil {
			tb.Error(err)
		}
	})
	return s
}

// URL is the superuser's URL of the server's postgres database. It stays
// the same across Stop and Start.
func (s *Server) URL() string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", s.port)
}

// NewDatabase creates an empty database on s for the test, dropped when the
// test ends if s is running then, and returns its URL.
func (s *Server) NewDatabase(tb testing.TB) string {
	tb.Helper()
	return createDatabase(tb, s.URL(), s.running)
}

func (s *Server) running() bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.proc != nil
}

// Stop stops the server at once, the way a crash or a kill would
// (pg_ctl stop -m immediate): open connections break. Stopping a stopped
// server does nothing.
func (s *Server) Stop() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stop()
}

// Start starts a stopped server again on the same port, so its URL and
// databases are what they were. It fails if the port was taken meanwhile.
func (s *Server) Start(ctx context.Context) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.proc != nil {
		return nil
	}
	return s.start(ctx)
}

// startServer finds PostgreSQL's binaries, creates a cluster in a
// temporary directory and starts it on a free loopback port. It returns a
// skipError when this machine cannot run PostgreSQL.
func startServer(ctx context.Context) (*Server, error) {
	bin, err := findBinDir(libRoot, exec.LookPath)
	if err != nil {
		return nil, err
	}
	s := &Server{bin: bin}
	var owner *user.User
	if os.Geteuid() == 0 {
		if owner, err = unprivilegedUser(); err != nil {
			return nil, err
		}
		s.runAs = owner.Username
	}
	sweepAbandoned(os.TempDir())
	if s.dir, err = os.MkdirTemp("", dirPrefix); err != nil {
		return nil, fmt.Errorf("pgtest: %w", err)
	}
	if s.hold, err = holdDir(s.dir); err == nil {
		err = s.setUp(ctx, owner)
	}
	if err != nil {
		_ = s.close()
		return nil, err
	}
	return s, nil
}

// dirPrefix names the temporary directories of servers.
const dirPrefix = "sitrep-pg-"

// sweepAbandoned removes the directories under tmp of servers whose test
// binary died before Main could remove them (a test timeout's panic, a
// kill): no process holds them, and their server died with the binary.
func sweepAbandoned(tmp string) {
	dirs, _ := filepath.Glob(filepath.Join(tmp, dirPrefix+"*"))
	for _, dir := range dirs {
		fi, err := os.Stat(dir)
		// A minute's grace covers the moment between creating a directory
		// and holding it.
		if err != nil || !fi.IsDir() || time.Since(fi.ModTime()) < time.Minute || !abandoned(dir) {
			continue
		}
		_ = os.RemoveAll(dir)
	}
}

func (s *Server) setUp(ctx context.Context, owner *user.User) error {
	if owner != nil {
		uid, _ := strconv.Atoi(owner.Uid)
		gid, _ := strconv.Atoi(owner.Gid)
		if err := os.Chown(s.dir, uid, gid); err != nil {
			return fmt.Errorf("pgtest: give %s to %s: %w", s.dir, owner.Username, err)
		}
	}
	// -N: no fsync; a test server's data is thrown away.
	out, err := s.command(ctx, "initdb", "-D", s.dataDir(), "-A", "trust", "-U", "postgres",
		"-E", "UTF8", "--locale=C", "-N").CombinedOutput()
	if err != nil {
		return fmt.Errorf("pgtest: initdb in %s: %w\n%s", s.dir, err, out)
	}
	// A free port may be taken between asking for it and binding it: try
	// a few.
	for attempt := 0; ; attempt++ {
		if s.port, err = freePort(); err != nil {
			return err
		}
		err = s.start(ctx)
		if err == nil || attempt == 4 || !errors.Is(err, errPortTaken) {
			return err
		}
	}
}

var errPortTaken = errors.New("port taken")

func (s *Server) dataDir() string { return filepath.Join(s.dir, "data") }
func (s *Server) logFile() string { return filepath.Join(s.dir, "postgres.log") }

// command runs one of PostgreSQL's binaries, as s.runAs when set.
func (s *Server) command(ctx context.Context, name string, args ...string) *exec.Cmd {
	path := filepath.Join(s.bin, name)
	var cmd *exec.Cmd
	if s.runAs != "" {
		cmd = exec.CommandContext(ctx, "runuser", append([]string{"-u", s.runAs, "--", path}, args...)...)
	} else {
		cmd = exec.CommandContext(ctx, path, args...)
	}
	cmd.Dir = s.dir // the postgres user may not enter the caller's directory
	cmd.Env = append(os.Environ(), "LC_ALL=C")
	return cmd
}

// start runs postgres in the foreground as a child of this process, so
// that it dies with the test binary even when Main never runs (a test
// timeout's panic, a kill), and waits until it accepts connections.
func (s *Server) start(ctx context.Context) error {
	logFile, err := os.OpenFile(s.logFile(), os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o600)
	if err != nil {
		return fmt.Errorf("pgtest: %w", err)
	}
	defer logFile.Close()
	offset, _ := logFile.Seek(0, io.SeekEnd)
	// Not tied to ctx: ctx bounds the start, the server lives on.
	cmd := s.command(context.Background(), "postgres", "-D", s.dataDir(),
		"-p", strconv.Itoa(s.port), "-k", s.dir,
		"-c", "listen_addresses=127.0.0.1",
		"-c", "max_connections=200",
		"-F") // no fsync
	cmd.Stdout, cmd.Stderr = logFile, logFile
	setDeathSignal(cmd)
	p, err := launch(cmd)
	if err != nil {
		return fmt.Errorf("pgtest: start postgres: %w", err)
	}
	s.proc = p
	if err := s.waitReady(ctx); err != nil {
		_ = s.stop()
		log := s.logSince(offset)
		if strings.Contains(log, "Address already in use") {
			return fmt.Errorf("pgtest: postgres on 127.0.0.1:%d: %w", s.port, errPortTaken)
		}
		return fmt.Errorf("pgtest: postgres in %s did not start: %w\n%s", s.dir, err, log)
	}
	return nil
}

// launch starts cmd with its death signal armed. Linux sends that signal
// when the thread that started the child exits, not the process: the
// goroutine keeps its thread locked, and alive, until the child exits.
func launch(cmd *exec.Cmd) (*process, error) {
	p := &process{cmd: cmd, done: make(chan struct{})}
	started := make(chan error, 1)
	go func() {
		runtime.LockOSThread()
		if err := cmd.Start(); err != nil {
			started <- err
			return
		}
		started <- nil
		p.err = cmd.Wait()
		close(p.done)
	}()
	if err := <-started; err != nil {
		return nil, err
	}
	return p, nil
}

func (s *Server) waitReady(ctx context.Context) error {
	for {
		attempt, cancel := context.WithTimeout(ctx, 2*time.Second)
		conn, err := pgx.Connect(attempt, s.URL())
		cancel()
		if err == nil {
			return conn.Close(ctx)
		}
		select {
		case <-s.proc.done:
			return fmt.Errorf("postgres exited: %v", s.proc.err)
		case <-ctx.Done():
			return fmt.Errorf("not accepting connections: %w (last: %v)", ctx.Err(), err)
		case <-time.After(50 * time.Millisecond):
		}
	}
}

func (s *Server) logSince(offset int64) string {
	b, err := os.ReadFile(s.logFile())
	if err != nil || offset > int64(len(b)) {
		return ""
	}
	return string(bytes.TrimSpace(b[offset:]))
}

// stop asks pg_ctl for an immediate stop and waits for the server to exit;
// if pg_ctl cannot (no postmaster.pid yet), it kills the process.
func (s *Server) stop() error {
	p := s.proc
	if p == nil {
		return nil
	}
	s.proc = nil
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	out, err := s.command(ctx, "pg_ctl", "stop", "-D", s.dataDir(), "-m", "immediate", "-w").CombinedOutput()
	select {
	case <-p.done:
		return nil
	case <-time.After(10 * time.Second):
	}
	_ = p.cmd.Process.Kill()
	<-p.done
	if err != nil {
		return fmt.Errorf("pgtest: pg_ctl stop in %s: %w\n%s", s.dir, err, out)
	}
	return nil
}

// close stops the server and removes its files.
func (s *Server) close() error {
	s.mu.Lock()
	defer s.mu.Unlock()
	err := s.stop()
	if rmErr := os.RemoveAll(s.dir); rmErr != nil && err == nil {
		err = fmt.Errorf("pgtest: %w", rmErr)
	}
	if s.hold != nil {
		s.hold.Close()
	}
	return err
}

// freePort asks the kernel for a free port on 127.0.0.1.
func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, fmt.Errorf("pgtest: find a free port: %w", err)
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// unprivilegedUser is the user a root process runs PostgreSQL as.
func unprivilegedUser() (*user.User, error) {
	u, err := user.Lookup("postgres")
	if err != nil {
		return nil, skipError("pgtest: running as root, which PostgreSQL refuses, and there is no postgres user to run it as " +
			"(Debian's postgresql package creates it; or set " + EnvURL + ")")
	}
	if _, err := exec.LookPath("runuser"); err != nil {
		return nil, skipError("pgtest: running as root, which PostgreSQL refuses, and runuser (util-linux) is not on PATH to run it as postgres")
	}
	return u, nil
}

// serverBinaries are the programs a throwaway server needs, side by side.
var serverBinaries = []string{"initdb", "pg_ctl", "postgres"}

// findBinDir returns the directory of PostgreSQL's server binaries: the
// newest version under root (Debian's /usr/lib/postgresql/VERSION/bin),
// else the directory initdb on PATH really lives in. It returns a
// skipError naming what is missing.
func findBinDir(root string, lookPath func(string) (string, error)) (string, error) {
	dirs, _ := filepath.Glob(filepath.Join(root, "*", "bin"))
	slices.SortFunc(dirs, func(a, b string) int { // newest version first
		return compareVersions(filepath.Base(filepath.Dir(b)), filepath.Base(filepath.Dir(a)))
	})
	for _, dir := range dirs {
		if hasBinaries(dir) {
			return dir, nil
		}
	}
	if initdb, err := lookPath("initdb"); err == nil {
		if real, err := filepath.EvalSymlinks(initdb); err == nil && hasBinaries(filepath.Dir(real)) {
			return filepath.Dir(real), nil
		}
		return "", skipError(fmt.Sprintf("pgtest: initdb is at %s, but pg_ctl and postgres are not beside it", initdb))
	}
	return "", skipError(fmt.Sprintf("pgtest: no PostgreSQL server binaries: none in %s/*/bin and no initdb on PATH "+
		"(install Debian's postgresql package, or set %s to a server on 127.0.0.1)", root, EnvURL))
}

func hasBinaries(dir string) bool {
	for _, name := range serverBinaries {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil || fi.IsDir() || fi.Mode()&0o111 == 0 {
			return false
		}
	}
	return true
}

// compareVersions orders "9.6" before "15"; a name that is not a version
// sorts first.
func compareVersions(a, b string) int {
	pa, pb := versionParts(a), versionParts(b)
	return slices.Compare(pa, pb)
}

func versionParts(v string) []int {
	var parts []int
	for _, f := range strings.Split(v, ".") {
		n, err := strconv.Atoi(f)
		if err != nil {
			return nil
		}
		parts = append(parts, n)
	}
	return parts
}
