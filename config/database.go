package config

import (
	"errors"
	"net/url"
	"strings"
)

// parseDatabaseURL checks SITREP_DATABASE_URL: a PostgreSQL URL
// (postgres:// or postgresql://) naming a server. Its errors never quote
// the value: it usually holds a password.
func parseDatabaseURL(v string) (Secret, error) {
	u, err := url.Parse(v)
	if err != nil {
		return "", errors.New("not a URL; want postgres://USER:PASSWORD@HOST:PORT/DATABASE")
	}
	switch strings.ToLower(u.Scheme) {
	case "postgres", "postgresql":
	default:
		return "", errors.New("the scheme must be postgres:// or postgresql:// (the only database Sitrep shares is PostgreSQL)")
	}
	if u.Host == "" && u.Query().Get("host") == "" {
		return "", errors.New("no server: want postgres://USER:PASSWORD@HOST:PORT/DATABASE")
	}
	if u.Port() != "" {
		for _, c := range u.Port() {
			if c < '0' || c > '9' {
				return "", errors.New("the port must be a number")
			}
		}
	}
	return Secret(v), nil
}

// RedactDatabaseURL returns the database URL for people and logs: the
// password replaced by "xxxxx"; "" when none is set.
func RedactDatabaseURL(s Secret) string {
	if s == "" {
		return ""
	}
	u, err := url.Parse(s.Reveal())
	if err != nil {
		return redacted
	}
	return u.Redacted()
}
