package sqldb

import (
	"database/sql"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	"github.com/go-sql-driver/mysql"

	"github.com/portico-dev/portico/internal/model"
)

var mysqlDialect = dialect{syntax: syntaxMySQL, classify: classifyMySQL}

// openMySQL opens a lazy MySQL/MariaDB pool. DATE and DATETIME columns are
// always read as times (parseTime=true), whatever the DSN says, so that
// every driver hands back RFC 3339 strings. With no charset nor collation
// in the DSN the connection sends SET NAMES utf8mb4 and takes the server's
// default utf8mb4 collation (utf8mb4_uca1400_ai_ci on MariaDB 11,
// utf8mb4_0900_ai_ci on MySQL 8): forcing one the server does not know
// would fail, and one differing from the tables' would raise "illegal mix
// of collations" on comparisons with parameters.
func openMySQL(dsn string, log *slog.Logger) (*sql.DB, string, string, error) {
	cfg, err := mysql.ParseDSN(dsn)
	if err != nil {
		return nil, "", "", fmt.Errorf("%w: mysql DSN: %w", model.ErrInvalid, err)
	}
	cfg.ParseTime = true
	if cfg.Timeout == 0 {
		cfg.Timeout = defaultConnectTimeout
	}
	if cfg.Collation == "" && !hasCharset(dsn) {
		if err := cfg.Apply(mysql.Charset("utf8mb4", "")); err != nil {
			return nil, "", "", fmt.Errorf("%w: mysql DSN: %w", model.ErrInvalid, err)
		}
	}
	cfg.Logger = mysqlLogger{log}
	conn, err := mysql.NewConnector(cfg)
	if err != nil {
		return nil, "", "", fmt.Errorf("%w: mysql DSN: %w", model.ErrInvalid, err)
	}
	return sql.OpenDB(conn), cfg.Addr, cfg.Passwd, nil
}

// hasCharset reports whether the DSN chose a charset, which Config keeps
// unexported. Parameters follow the last '/' (the one before the database
// name), as the driver's own parser reads them.
func hasCharset(dsn string) bool {
	rest := dsn[strings.LastIndexByte(dsn, '/')+1:]
	_, params, ok := strings.Cut(rest, "?")
	if !ok {
		return false
	}
	for p := range strings.SplitSeq(params, "&") {
		if strings.HasPrefix(p, "charset=") {
			return true
		}
	}
	return false
}

// mysqlLogger sends the driver's own messages (bad idle connections,
// unexpected packets) to slog instead of the standard logger.
type mysqlLogger struct{ log *slog.Logger }

func (l mysqlLogger) Print(v ...any) { l.log.Warn("mysql driver", "message", fmt.Sprint(v...)) }

// classifyMySQL maps MySQL/MariaDB error numbers and the driver's
// connection errors.
func classifyMySQL(err error) failure {
	var me *mysql.MySQLError
	if errors.As(err, &me) {
		n := strconv.Itoa(int(me.Number))
		switch me.Number {
		case 1062, 1586: // ER_DUP_ENTRY, ER_DUP_ENTRY_WITH_KEY_NAME
			return failure{model.ErrConflict, "unique constraint violated"}
		case 1216, 1217, 1451, 1452: // ER_NO_REFERENCED_ROW(_2), ER_ROW_IS_REFERENCED(_2)
			return failure{model.ErrConflict, "foreign key constraint violated"}
		case 1048, 1364: // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD
			return failure{model.ErrInvalid, "null value not allowed"}
		case 3819, 4025: // MySQL ER_CHECK_CONSTRAINT_VIOLATED, MariaDB ER_CONSTRAINT_FAILED
			return failure{model.ErrInvalid, "check constraint violated"}
		case 1264, 1265, 1292, 1366, 1406, 1411: // out of range, truncated, incorrect value, too long
			return failure{model.ErrInvalid, "invalid value (error " + n + ")"}
		case 1040, 1203: // ER_CON_COUNT_ERROR, ER_TOO_MANY_USER_CONNECTIONS
			return failure{model.ErrUnavailable, "too many connections"}
		case 1044, 1045, 1698: // access denied
			return failure{model.ErrUnavailable, "authentication failed"}
		case 1049: // ER_BAD_DB_ERROR
			return failure{model.ErrUnavailable, "database does not exist"}
		case 1053, 1927: // server shutdown, connection killed
			return failure{model.ErrUnavailable, "server closed the connection (error " + n + ")"}
		case 1205, 1213: // lock wait timeout, deadlock
			return failure{model.ErrUnavailable, "transaction conflict, retry later (error " + n + ")"}
		}
		return failure{reason: "statement failed (error " + n + ")"}
	}
	if errors.Is(err, mysql.ErrInvalidConn) {
		return failure{model.ErrUnavailable, "connection lost"}
	}
	return failure{}
}
