package config_test

import (
	"fmt"
	"strings"
	"testing"

	"sitrep/config"
)

// TestDatabaseURL: a PostgreSQL URL is accepted under both schemes, kept
// whole for the store, and shown everywhere else with its password masked;
// a bad one is refused without quoting it.
func TestDatabaseURL(t *testing.T) {
	for _, v := range []string{
		"postgres://sitrep:hunter2@127.0.0.1:5432/sitrep?sslmode=disable",
		"postgresql://sitrep:hunter2@db.internal/sitrep",
		"postgres://sitrep:hunter2@/sitrep?host=/run/postgresql",
	} {
		c, err := config.Load(env(map[string]string{config.EnvDatabaseURL: v}))
		if err != nil {
			t.Errorf("Load(%s) = %v", v, err)
			continue
		}
		if c.DatabaseURL.Reveal() != v {
			t.Errorf("DatabaseURL = %q; want it whole", c.DatabaseURL.Reveal())
		}
		for _, shown := range []string{c.String(), fmt.Sprint(c.DatabaseURL), fmt.Sprintf("%+v", c), config.RedactDatabaseURL(c.DatabaseURL)} {
			if strings.Contains(shown, "hunter2") {
				t.Errorf("the password shows: %s", shown)
			}
		}
		if !strings.Contains(c.String(), "sitrep:xxxxx@") {
			t.Errorf("String() = %s; want the URL with the password masked", c.String())
		}
	}
	c, err := config.Load(env(nil))
	if err != nil || c.DatabaseURL != "" || !strings.Contains(c.String(), "database=none") {
		t.Errorf("unset: %q, %v, %s", c.DatabaseURL, err, c.String())
	}
	_, err = config.Load(env(map[string]string{config.EnvDatabaseURL: "mysql://sitrep:hunter2@127.0.0.1/x"}))
	if err == nil || strings.Contains(err.Error(), "hunter2") {
		t.Errorf("a bad URL: %v; want an error that does not quote it", err)
	}
}
