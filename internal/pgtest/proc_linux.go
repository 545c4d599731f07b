package pgtest

import (
	"io"
	"os"
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel send SIGTERM to the server (through
// runuser, which passes it on) when the test binary dies without stopping
// it, so no server outlives its tests.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}

// holdDir locks dir (flock) for as long as the returned Closer is open: a
// server's directory is held by its test binary for the server's life, and
// the kernel lets go when that binary dies.
func holdDir(dir string) (io.Closer, error) {
	f, err := os.Open(dir)
	if err != nil {
		return nil, err
	}
	if err := syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB); err != nil {
		f.Close()
		return nil, err
	}
	return f, nil
}

// abandoned reports whether no process holds dir.
func abandoned(dir string) bool {
	f, err := os.Open(dir)
	if err != nil {
		return false
	}
	defer f.Close() // lets go of the lock taken to find out
	return syscall.Flock(int(f.Fd()), syscall.LOCK_EX|syscall.LOCK_NB) == nil
}
