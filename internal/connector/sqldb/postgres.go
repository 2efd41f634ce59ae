package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"net"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/stdlib"

	"github.com/portico-dev/portico/internal/model"
)

// defaultConnectTimeout bounds a connection attempt when the DSN sets none,
// so that a host that drops packets fails a request instead of hanging it.
const defaultConnectTimeout = 10 * time.Second

var postgresDialect = dialect{syntax: syntaxPostgres, classify: classifyPostgres}

// openPostgres opens a lazy pgx pool: no connection is made until the first
// statement or Ping.
func openPostgres(dsn string) (*sql.DB, string, string, error) {
	cfg, err := pgx.ParseConfig(dsn)
	if err != nil {
		// pgconn's parse errors already mask the password.
		return nil, "", "", fmt.Errorf("%w: postgres DSN: %s", model.ErrInvalid, err)
	}
	if cfg.ConnectTimeout == 0 {
		cfg.ConnectTimeout = defaultConnectTimeout
	}
	where := net.JoinHostPort(cfg.Host, strconv.Itoa(int(cfg.Port)))
	if strings.HasPrefix(cfg.Host, "/") {
		where = cfg.Host
	}
	return stdlib.OpenDB(*cfg), where, cfg.Password, nil
}

// classifyPostgres maps SQLSTATE codes (appendix A of the PostgreSQL
// manual) and connection failures.
func classifyPostgres(err error) failure {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		switch code := pe.Code; {
		case code == "23505":
			return constraintFailure(ConstraintUnique, pe.ConstraintName, pe.TableName, keyColumns(pe.Detail)...)
		case code == "23503":
			// Only an insert or update names the referencing columns; a
			// delete's key is the referenced table's, which no field names.
			var cols []string
			if strings.Contains(pe.Detail, " is not present in table ") {
				cols = keyColumns(pe.Detail)
			}
			return constraintFailure(ConstraintForeignKey, pe.ConstraintName, pe.TableName, cols...)
		case code == "23502":
			return constraintFailure(ConstraintNotNull, pe.ConstraintName, pe.TableName, pe.ColumnName)
		case code == "23514":
			return constraintFailure(ConstraintCheck, pe.ConstraintName, pe.TableName)
		case strings.HasPrefix(code, "22"): // data exception: bad input syntax, out of range, ...
			return failure{kind: model.ErrInvalid, reason: "invalid value (SQLSTATE " + code + ")"}
		case code == "53300":
			return failure{kind: model.ErrUnavailable, reason: "too many connections"}
		case strings.HasPrefix(code, "28"):
			return failure{kind: model.ErrUnavailable, reason: "authentication failed"}
		case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "57P"):
			return failure{kind: model.ErrUnavailable, reason: "server closed or refused the connection (SQLSTATE " + code + ")"}
		case code == "40001", code == "40P01":
			return failure{kind: model.ErrUnavailable, reason: "transaction conflict, retry later (SQLSTATE " + code + ")"}
		case code == "3D000":
			return failure{kind: model.ErrUnavailable, reason: "database does not exist"}
		}
		return failure{reason: "statement failed (SQLSTATE " + pe.Code + ")"}
	}
	var ce *pgconn.ConnectError
	if errors.As(err, &ce) {
		r := netReason(err)
		if r == "" {
			r = "cannot connect"
		}
		return failure{kind: model.ErrUnavailable, reason: r}
	}
	return failure{}
}

// keyColumns reads the column list of a key violation's detail, "Key
// (email)=(ada@example.com) already exists.", leaving the values out. An
// expression index's key, or a message in another language, gives none.
func keyColumns(detail string) []string {
	rest, ok := strings.CutPrefix(detail, "Key (")
	if !ok {
		return nil
	}
	cols, _, ok := strings.Cut(rest, ")=(")
	if !ok || strings.ContainsAny(cols, "()") {
		return nil
	}
	return splitColumns(cols)
}
