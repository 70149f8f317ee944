package main

import (
	"context"
	"database/sql"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"time"

	_ "modernc.org/sqlite" // the driver FerretDB itself uses, registered as "sqlite"
)

// keepIDIndexes gives every collection table of the SQLite databases in dir an index on
// `_ferretdb_sjson->'$._id'`, checking once a second, until ctx ends.
//
// Why: FerretDB v1.24's SQLite backend filters by `_id` with `WHERE _ferretdb_sjson->'$._id' = ?`, but creates its
// unique `_id` index on `_ferretdb_sjson->"_id"`. SQLite matches an index on an expression only by the expression's
// text, so no query uses that index (EXPLAIN QUERY PLAN: SCAN): every find, update and delete by `_id` parsed every
// document of the collection. With 5,000 documents of 2 KB an update by `_id` took 250 ms; with this index 2 ms.
//
// The index is invisible to FerretDB (its metadata lists its own indexes only) and goes with the table when the
// collection is dropped. A new collection is covered within a second; until then it is small.
func keepIDIndexes(ctx context.Context, dir string, logger *slog.Logger) {
	indexed := map[string]bool{} // "<file>/<table>" already covered
	changedAt := map[string]time.Time{}
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	for {
		files, _ := filepath.Glob(filepath.Join(dir, "*.sqlite"))
		for _, file := range files {
			// A database whose files have not changed since its last complete pass has no new collection.
			modified := lastModified(file)
			if seen, ok := changedAt[file]; ok && !modified.After(seen) {
				continue
			}
			if err := indexDatabase(ctx, file, indexed); err != nil {
				logger.Debug("duban-ferretdb: _id index pass", slog.String("file", file), slog.String("error", err.Error()))
				continue
			}
			changedAt[file] = modified
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// indexDatabase creates the missing `_id` path indexes of one database file.
func indexDatabase(ctx context.Context, file string, indexed map[string]bool) error {
	// mode=rw: a database dropped meanwhile is not created again by this look.
	db, err := sql.Open("sqlite", "file:"+file+"?mode=rw&_pragma=busy_timeout(10000)")
	if err != nil {
		return err
	}
	defer db.Close()

	rows, err := db.QueryContext(ctx, `SELECT table_name FROM _ferretdb_collections`)
	if err != nil {
		return err
	}
	var tables []string
	for rows.Next() {
		var table string
		if err := rows.Scan(&table); err != nil {
			rows.Close()
			return err
		}
		tables = append(tables, table)
	}
	rows.Close()
	if err := rows.Err(); err != nil {
		return err
	}

	for _, table := range tables {
		key := file + "/" + table
		if indexed[key] {
			continue
		}
		ddl := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %q ON %q (_ferretdb_sjson->'$._id')`, table+"_duban_id_path", table)
		if _, err := db.ExecContext(ctx, ddl); err != nil {
			return err
		}
		indexed[key] = true
	}
	return nil
}

// lastModified is the later modification time of the database file and its write-ahead log.
func lastModified(file string) time.Time {
	var latest time.Time
	for _, path := range []string{file, file + "-wal"} {
		if info, err := os.Stat(path); err == nil && info.ModTime().After(latest) {
			latest = info.ModTime()
		}
	}
	return latest
}
