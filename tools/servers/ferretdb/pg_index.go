package main

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"log/slog"
	"net/url"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
)

// withCustomPlans adds plan_cache_mode=force_custom_plan to a PostgreSQL URL (pgx sends unknown query parameters
// as run-time parameters of every connection).
//
// Why: FerretDB names the field of a pushed-down filter through a bind parameter (`_jsonb->$1 @> $2`) and runs it
// as a prepared statement. A custom plan substitutes the values, so `_jsonb->'userId'` matches an expression index;
// a generic plan cannot match any, and PostgreSQL may switch to one after five executions (for example while a
// collection is still small), then keep scanning as the collection grows.
func withCustomPlans(rawURL string) (string, error) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return "", err
	}
	query := u.Query()
	if query.Get("plan_cache_mode") == "" {
		query.Set("plan_cache_mode", "force_custom_plan")
	}
	u.RawQuery = query.Encode()
	return u.String(), nil
}

// keepContainmentIndexes gives every field that a FerretDB index names at the top level (and `_id`) a GIN index
// on `(_jsonb->'field') jsonb_path_ops`, in every FerretDB database of the PostgreSQL backend, checking once a
// second until ctx ends.
//
// Why: FerretDB v1.24 pushes an equality filter on a top-level string, number, boolean or date down as
// `_jsonb->'field' @> value`, but creates its own indexes as btree on `(_jsonb->'field')`, which `@>` cannot use:
// every find, update and delete — even by `_id` — was a sequential scan that decoded every document. A GIN index
// on the same expression serves `@>`, for a scalar field and for an array field holding the value (`unitScope`).
// Dotted paths are not pushed down (FerretDB's nested pushdown is off), so they get no index here.
//
// The indexes are invisible to FerretDB (its metadata lists its own only) and go with the table when the
// collection is dropped; a collection created again is covered again, as is a new one, within a second (until
// then it is small).
func keepContainmentIndexes(ctx context.Context, postgresqlURL string, logger *slog.Logger) {
	ticker := time.NewTicker(time.Second)
	defer ticker.Stop()
	var conn *pgx.Conn
	defer func() {
		if conn != nil {
			conn.Close(context.Background())
		}
	}()
	for {
		if conn == nil {
			c, err := pgx.Connect(ctx, postgresqlURL)
			if err != nil {
				logger.Debug("duban-ferretdb: containment index connection", slog.String("error", err.Error()))
			} else {
				conn = c
			}
		}
		if conn != nil {
			if err := indexCollections(ctx, conn); err != nil {
				logger.Debug("duban-ferretdb: containment index pass", slog.String("error", err.Error()))
				conn.Close(context.Background())
				conn = nil
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-ticker.C:
		}
	}
}

// indexedField is one top-level field of a FerretDB collection table that should have a containment index.
type indexedField struct {
	schema, table, field string
}

// indexCollections creates the missing containment indexes of every FerretDB database.
func indexCollections(ctx context.Context, conn *pgx.Conn) error {
	schemas, err := ferretSchemas(ctx, conn)
	if err != nil {
		return err
	}
	for _, schema := range schemas {
		fields, err := indexedFields(ctx, conn, schema)
		if err != nil {
			return err
		}
		rows, err := conn.Query(ctx, `SELECT indexname FROM pg_indexes WHERE schemaname = $1`, schema)
		if err != nil {
			return err
		}
		names, err := pgx.CollectRows(rows, pgx.RowTo[string])
		if err != nil {
			return err
		}
		existing := map[string]bool{}
		for _, name := range names {
			existing[name] = true
		}
		for _, f := range fields {
			name := containmentIndexName(f)
			if existing[name] {
				continue
			}
			ddl := fmt.Sprintf(`CREATE INDEX IF NOT EXISTS %s ON %s USING gin ((_jsonb->%s) jsonb_path_ops)`,
				pgx.Identifier{name}.Sanitize(), pgx.Identifier{f.schema, f.table}.Sanitize(), quoteLiteral(f.field))
			if _, err := conn.Exec(ctx, ddl); err != nil {
				return fmt.Errorf("%s: %w", ddl, err)
			}
		}
	}
	return nil
}

// ferretSchemas lists the PostgreSQL schemas that hold a FerretDB database.
func ferretSchemas(ctx context.Context, conn *pgx.Conn) ([]string, error) {
	rows, err := conn.Query(ctx, `SELECT table_schema FROM information_schema.tables WHERE table_name = '_ferretdb_database_metadata'`)
	if err != nil {
		return nil, err
	}
	return pgx.CollectRows(rows, pgx.RowTo[string])
}

// indexedFields lists `_id` and the top-level keys of every FerretDB index of every collection of one database.
func indexedFields(ctx context.Context, conn *pgx.Conn, schema string) ([]indexedField, error) {
	q := fmt.Sprintf(`SELECT DISTINCT m._jsonb->>'table', k.key
		FROM %s m, jsonb_array_elements(m._jsonb->'indexes') AS i(index), jsonb_object_keys(i.index->'key') AS k(key)`,
		pgx.Identifier{schema, "_ferretdb_database_metadata"}.Sanitize())
	rows, err := conn.Query(ctx, q)
	if err != nil {
		return nil, err
	}
	pairs, err := pgx.CollectRows(rows, func(row pgx.CollectableRow) ([2]string, error) {
		var pair [2]string
		err := row.Scan(&pair[0], &pair[1])
		return pair, err
	})
	if err != nil {
		return nil, err
	}
	var fields []indexedField
	for _, pair := range pairs {
		if strings.ContainsAny(pair[1], ".$") {
			continue
		}
		fields = append(fields, indexedField{schema: schema, table: pair[0], field: pair[1]})
	}
	return fields, nil
}

// containmentIndexName is unique per table and field, and short enough for PostgreSQL's 63-byte names.
func containmentIndexName(f indexedField) string {
	sum := sha256.Sum256([]byte(f.schema + "\x00" + f.table + "\x00" + f.field))
	return "duban_gin_" + hex.EncodeToString(sum[:8])
}

func quoteLiteral(s string) string {
	return "'" + strings.ReplaceAll(s, "'", "''") + "'"
}
