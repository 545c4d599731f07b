//go:build !linux

package pgtest

import "os/exec"

// setDeathSignal does nothing where there is no parent-death signal: a
// test binary that dies without Main leaves its server running.
func setDeathSignal(cmd *exec.Cmd) {}
