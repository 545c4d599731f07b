package pgtest

import (
	"os/exec"
	"syscall"
)

// setDeathSignal has the kernel send SIGTERM to the server (through
// runuser, which passes it on) when the test binary dies without stopping
// it, so no server outlives its tests.
func setDeathSignal(cmd *exec.Cmd) {
	cmd.SysProcAttr = &syscall.SysProcAttr{Pdeathsig: syscall.SIGTERM}
}
