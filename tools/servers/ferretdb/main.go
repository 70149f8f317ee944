// Command duban-ferretdb runs FerretDB v1 (SQLite backend, or PostgreSQL with --postgresql-url) through its
// embeddable package, and keeps the indexes its pushed-down queries can use (id_index.go, pg_index.go).
//
// Why not `go install .../cmd/ferretdb`: a build from the module proxy has an empty
// build/version/version.txt, and FerretDB's own main panics on that; the embeddable
// package skips the check because the main module is ours.
package main

import (
	"context"
	"flag"
	"fmt"
	"log/slog"
	"os"
	"os/signal"
	"path/filepath"
	"syscall"

	"github.com/FerretDB/FerretDB/ferretdb"
)

// sqliteParams go before FerretDB's defaults (busy_timeout 10 s, WAL).
//
// _txlock=immediate: FerretDB's updates read, then write, inside one transaction. Begun deferred, a
// transaction whose snapshot another writer has overtaken cannot upgrade to a write lock and fails at once
// with SQLITE_BUSY, whatever the busy timeout; under a fan-out of concurrent projections that made every
// write a retry and the WAL grew without bound. Begun immediate, writers queue on the busy timeout instead.
//
// synchronous(normal): in WAL mode a killed process loses nothing (only a power cut may drop the last
// commits) — the same trade as the Temporal dev server's pragmas in `npm start`.
const sqliteParams = "_txlock=immediate&_pragma=synchronous(normal)"

func main() {
	listenAddr := flag.String("listen-addr", "127.0.0.1:27017", "TCP address to listen on")
	sqliteDir := flag.String("sqlite-dir", "data", "directory for the SQLite database files")
	logLevel := flag.String("log-level", "warn", "debug, info, warn or error")
	postgresqlURL := flag.String("postgresql-url", "", "PostgreSQL backend instead of SQLite (npm run bench, BENCH_DATABASE=ferretdb-postgres)")
	flag.Parse()

	var level slog.Level
	if err := level.UnmarshalText([]byte(*logLevel)); err != nil {
		fail(err)
	}
	logger := slog.New(slog.NewTextHandler(os.Stderr, &slog.HandlerOptions{Level: level}))

	config := &ferretdb.Config{
		Listener: ferretdb.ListenerConfig{TCP: *listenAddr},
		Logger:   logger,
	}
	var dir string // the SQLite backend's directory
	if *postgresqlURL != "" {
		pgURL, err := withCustomPlans(*postgresqlURL)
		if err != nil {
			fail(err)
		}
		config.Handler = "postgresql"
		config.PostgreSQLURL = pgURL
	} else {
		var err error
		if dir, err = filepath.Abs(*sqliteDir); err != nil {
			fail(err)
		}
		if err := os.MkdirAll(dir, 0o755); err != nil {
			fail(err)
		}
		config.Handler = "sqlite"
		config.SQLiteURL = "file:" + dir + "/?" + sqliteParams
	}
	f, err := ferretdb.New(config)
	if err != nil {
		fail(err)
	}

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()

	if config.Handler == "sqlite" {
		go keepIDIndexes(ctx, dir, logger)
		fmt.Fprintf(os.Stderr, "duban-ferretdb listening on %s, data in %s\n", *listenAddr, dir)
	} else {
		go keepContainmentIndexes(ctx, config.PostgreSQLURL, logger)
		fmt.Fprintf(os.Stderr, "duban-ferretdb listening on %s, data in PostgreSQL\n", *listenAddr)
	}
	if err := f.Run(ctx); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "duban-ferretdb:", err)
	os.Exit(1)
}
