//go:build !linux

package pgtest

import (
	"io"
	"os/exec"
)

// setDeathSignal does nothing where there is no parent-death signal: a
// test binary that dies without Main leaves its server running.
func setDeathSignal(cmd *exec.Cmd) {}

type noLock struct{}

func (noLock) Close() error { return nil }

// holdDir does not lock: without flock no directory is known abandoned.
func holdDir(dir string) (io.Closer, error) { return noLock{}, nil }

// abandoned is false: a directory is never swept where it cannot be told.
func abandoned(dir string) bool { return false }
