// Package every runs a function at a fixed interval in the background.
package every

import (
	"sync"
	"time"
)

// Tick calls do every interval, in a goroutine of its own, until the
// returned stop is called. stop waits for a call under way to end and may
// be called again.
func Tick(interval time.Duration, do func()) (stop func()) {
	quit, done := make(chan struct{}), make(chan struct{})
	go func() {
		defer close(done)
		t := time.NewTicker(interval)
		defer t.Stop()
		for {
			select {
			case <-t.C:
				do()
			case <-quit:
				return
			}
		}
	}()
	var once sync.Once
	return func() {
		once.Do(func() { close(quit) })
		<-done
	}
}
