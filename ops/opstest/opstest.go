// Package opstest reads what package ops serves, for tests.
package opstest

import (
	"io"
	"net/http"
	"strconv"
	"strings"
	"testing"
)

// Scrape GETs url (a /metrics endpoint) and returns its samples: each
// series as written in Prometheus' text format (`name{label="v",…}`) →
// its value. It fails tb unless the answer is 200 and parses.
func Scrape(tb testing.TB, url string) map[string]float64 {
	tb.Helper()
	code, body := Get(tb, url)
	if code != http.StatusOK {
		tb.Fatalf("GET %s: status %d", url, code)
	}
	samples := map[string]float64{}
	for _, line := range strings.Split(body, "\n") {
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if i < 0 || err != nil {
			tb.Fatalf("GET %s: sample %q does not parse", url, line)
		}
		samples[line[:i]] = v
	}
	return samples
}

// Get GETs url and returns the status and body; it fails tb when no
// answer comes.
func Get(tb testing.TB, url string) (int, string) {
	tb.Helper()
	resp, err := http.Get(url)
	if err != nil {
		tb.Fatal(err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		tb.Fatalf("GET %s: %v", url, err)
	}
	return resp.StatusCode, string(body)
}
