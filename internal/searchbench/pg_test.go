package searchbench

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"

	"github.com/jackc/pgx/v5"

	"sitrep/search"
)

// benchDatabaseEnv names the PostgreSQL server the sitrep-pg engine uses
// (scripts/bench.sh with SITREP_BENCH_PG=1 starts one and sets it): a URL
// whose user may create databases. Each build gets a database of its own,
// dropped when its query phase ends.
const benchDatabaseEnv = "SITREP_DATABASE_URL"

// sitrepPGEngine is Sitrep with its store in PostgreSQL: the import
// writes the database, the index in dir is this process's.
type sitrepPGEngine struct{}

// benchDatabase returns the URL of dir's database on the bench server,
// creating it empty when fresh.
func benchDatabase(ctx context.Context, dir string, fresh bool) (string, error) {
	base := os.Getenv(benchDatabaseEnv)
	if base == "" {
		return "", fmt.Errorf("the sitrep-pg engine needs %s (a PostgreSQL server where the user may create databases)", benchDatabaseEnv)
	}
	u, err := url.Parse(base)
	if err != nil {
		return "", fmt.Errorf("%s does not parse", benchDatabaseEnv)
	}
	sum := sha256.Sum256([]byte(dir))
	name := "sitrep_bench_" + hex.EncodeToString(sum[:6])
	if fresh {
		conn, err := pgx.Connect(ctx, base)
		if err != nil {
			return "", err
		}
		defer conn.Close(ctx)
		if _, err := conn.Exec(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)"); err != nil {
			return "", err
		}
		if _, err := conn.Exec(ctx, "CREATE DATABASE "+name); err != nil {
			return "", err
		}
	}
	u.Path = "/" + name
	return u.String(), nil
}

func dropBenchDatabase(ctx context.Context, dsn string) error {
	u, err := url.Parse(dsn)
	if err != nil {
		return err
	}
	name := u.Path[1:]
	base, err := url.Parse(os.Getenv(benchDatabaseEnv))
	if err != nil {
		return err
	}
	conn, err := pgx.Connect(ctx, base.String())
	if err != nil {
		return err
	}
	defer conn.Close(ctx)
	_, err = conn.Exec(ctx, "DROP DATABASE IF EXISTS "+pgx.Identifier{name}.Sanitize()+" WITH (FORCE)")
	return err
}

func (sitrepPGEngine) build(ctx context.Context, dir string, c *Corpus) (int, error) {
	dsn, err := benchDatabase(ctx, dir, true)
	if err != nil {
		return 0, err
	}
	return buildSitrep(ctx, dir, c, search.Options{DatabaseURL: dsn})
}

// pgAsker drops the bench database after the last phase.
type pgAsker struct {
	sitrepAsker
	dsn string
}

func (sitrepPGEngine) open(ctx context.Context, dir string) (asker, error) {
	dsn, err := benchDatabase(ctx, dir, false)
	if err != nil {
		return nil, err
	}
	lib, err := search.Open(ctx, dir, search.Options{DatabaseURL: dsn})
	return pgAsker{sitrepAsker{lib}, dsn}, err
}

func (a pgAsker) close() error {
	err := a.lib.Close()
	if dropErr := dropBenchDatabase(context.Background(), a.dsn); err == nil {
		err = dropErr
	}
	return err
}
