//go:build unix

package main

import (
	"bufio"
	"bytes"
	"context"
	"errors"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// TestSecondProcessOnDataDirFails runs two real sitrep processes on one data
// directory: while the first holds it (an `ask` reading questions from its
// standard input), the second exits with status 1 and a message that names
// the directory and SITREP_DATABASE_URL, instead of hanging or touching the
// store; once the first exits, the directory serves again.
func TestSecondProcessOnDataDirFails(t *testing.T) {
	bin := sitrepBinary(t)
	data := filepath.Join(t.TempDir(), "data")
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Minute)
	defer cancel()
	env := []string{"SITREP_DATA=" + data, "HOME=" + t.TempDir(), "PATH=/usr/bin:/bin"}

	holder := exec.CommandContext(ctx, bin, "ask", "--json")
	holder.Env = env
	holder.Dir = t.TempDir() // no stray .env
	stdin, err := holder.StdinPipe()
	if err != nil {
		t.Fatal(err)
	}
	stdout, err := holder.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	var holderErr bytes.Buffer
	holder.Stderr = &holderErr
	if err := holder.Start(); err != nil {
		t.Fatal(err)
	}
	defer holder.Process.Kill() // a safety net; the test waits for it below
	// One answered question proves the holder has the library open.
	if _, err := stdin.Write([]byte("how many cameras were hacked?\n")); err != nil {
		t.Fatal(err)
	}
	lines := bufio.NewScanner(stdout)
	lines.Buffer(nil, 1<<20)
	if !lines.Scan() {
		t.Fatalf("the holding process gave no answer: %v\n%s", lines.Err(), holderErr.String())
	}

	second := func() (int, string, string) {
		cmd := exec.CommandContext(ctx, bin, "ask", "who claimed the attack?")
		cmd.Env = env
		cmd.Dir = holder.Dir
		var out, errOut bytes.Buffer
		cmd.Stdout, cmd.Stderr = &out, &errOut
		err := cmd.Run()
		var exit *exec.ExitError
		if err != nil && !errors.As(err, &exit) {
			t.Fatalf("running the second process: %v", err)
		}
		return cmd.ProcessState.ExitCode(), out.String(), errOut.String()
	}
	code, out, errOut := second()
	if code != 1 || out != "" {
		t.Fatalf("second process while the first holds %s: exit %d, stdout %q, stderr %q; want exit 1 and no answer", data, code, out, errOut)
	}
	for _, want := range []string{data, "another Sitrep process", "SITREP_DATABASE_URL"} {
		if !strings.Contains(errOut, want) {
			t.Errorf("the refusal %q does not say %q", errOut, want)
		}
	}

	if err := stdin.Close(); err != nil {
		t.Fatal(err)
	}
	if err := holder.Wait(); err != nil {
		t.Fatalf("the holding process: %v\n%s", err, holderErr.String())
	}
	if code, out, errOut := second(); code != 0 || strings.TrimSpace(out) == "" {
		t.Fatalf("after the holder exited: exit %d, stdout %q, stderr %q; want an answer", code, out, errOut)
	}
}
