//go:build race

package search_test

// raceEnabled is true when the race detector instruments the test: the
// evaluation then ranks a sample of the larger collection (see sample).
const raceEnabled = true
