package every

import (
	"sync/atomic"
	"testing"
	"time"
)

// TestTickStopsAndWaits: the function runs until stop, and never after
// stop has returned (the import's progress lines and the mapped-page
// trims must not outlive what they report on); stop may be called twice.
func TestTickStopsAndWaits(t *testing.T) {
	var calls, after atomic.Int32
	var stopped atomic.Bool
	stop := Tick(time.Millisecond, func() {
		if stopped.Load() {
			after.Add(1)
		}
		calls.Add(1)
	})
	deadline := time.Now().Add(30 * time.Second)
	for calls.Load() < 3 {
		if time.Now().After(deadline) {
			t.Fatal("the function was not called every interval")
		}
		time.Sleep(time.Millisecond)
	}
	stop()
	stopped.Store(true)
	n := calls.Load()
	time.Sleep(20 * time.Millisecond)
	stop()
	if got := calls.Load(); got != n || after.Load() != 0 {
		t.Errorf("called %d times after stop returned", got-n)
	}
}
