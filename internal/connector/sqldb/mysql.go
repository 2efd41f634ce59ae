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
			table, key := mysqlDupKey(me.Message)
			return constraintFailure(ConstraintUnique, key, table)
		case 1216, 1217: // ER_NO_REFERENCED_ROW, ER_ROW_IS_REFERENCED: no details
			return constraintFailure(ConstraintForeignKey, "", "")
		case 1451, 1452: // ER_ROW_IS_REFERENCED_2, ER_NO_REFERENCED_ROW_2
			table, name, cols := mysqlForeignKey(me.Message)
			return constraintFailure(ConstraintForeignKey, name, table, cols...)
		case 1048, 1364: // ER_BAD_NULL_ERROR, ER_NO_DEFAULT_FOR_FIELD
			return constraintFailure(ConstraintNotNull, "", "", quoted(me.Message, "'"))
		case 3819, 4025: // MySQL ER_CHECK_CONSTRAINT_VIOLATED, MariaDB ER_CONSTRAINT_FAILED
			return mysqlCheck(me.Message)
		case 1264, 1265, 1292, 1366, 1406, 1411: // out of range, truncated, incorrect value, too long
			return failure{kind: model.ErrInvalid, reason: "invalid value (error " + n + ")"}
		case 1040, 1203: // ER_CON_COUNT_ERROR, ER_TOO_MANY_USER_CONNECTIONS
			return failure{kind: model.ErrUnavailable, reason: "too many connections"}
		case 1044, 1045, 1698: // access denied
			return failure{kind: model.ErrUnavailable, reason: "authentication failed"}
		case 1049: // ER_BAD_DB_ERROR
			return failure{kind: model.ErrUnavailable, reason: "database does not exist"}
		case 1053, 1927: // server shutdown, connection killed
			return failure{kind: model.ErrUnavailable, reason: "server closed the connection (error " + n + ")"}
		case 1205, 1213: // lock wait timeout, deadlock
			return failure{kind: model.ErrUnavailable, reason: "transaction conflict, retry later (error " + n + ")"}
		}
		return failure{reason: "statement failed (error " + n + ")"}
	}
	if errors.Is(err, mysql.ErrInvalidConn) {
		return failure{kind: model.ErrUnavailable, reason: "connection lost"}
	}
	return failure{}
}

// mysqlDupKey reads the key of "Duplicate entry '...' for key 'email'"
// (MariaDB) or "... for key 'customers.email'" (MySQL 8). The entry, which
// holds the values, comes first, so the key is sought from the end.
func mysqlDupKey(msg string) (table, key string) {
	i := strings.LastIndex(msg, " for key '")
	if i < 0 || !strings.HasSuffix(msg, "'") {
		return "", ""
	}
	key = msg[i+len(" for key '") : len(msg)-1]
	if t, k, ok := strings.Cut(key, "."); ok {
		return t, k
	}
	return "", key
}

// mysqlForeignKey reads "... a foreign key constraint fails (`db`.`child`,
// CONSTRAINT `fk` FOREIGN KEY (`a`, `b`) REFERENCES ...": the referencing
// table, the constraint and its columns.
func mysqlForeignKey(msg string) (table, name string, cols []string) {
	_, rest, ok := strings.Cut(msg, "fails (")
	if !ok {
		return "", "", nil
	}
	qualified, rest, _ := strings.Cut(rest, ", CONSTRAINT ")
	if _, t, ok := strings.Cut(qualified, "`.`"); ok {
		table = strings.Trim(t, "`")
	}
	name = quoted(rest, "`")
	if _, c, ok := strings.Cut(rest, " FOREIGN KEY ("); ok {
		c, _, _ = strings.Cut(c, ")")
		cols = splitColumns(c)
	}
	return table, name, cols
}

// mysqlCheck reads MySQL's "Check constraint 'c' is violated." and
// MariaDB's "CONSTRAINT `c` failed for `db`.`t`", where a column's own
// check is named "t.column".
func mysqlCheck(msg string) failure {
	if strings.HasPrefix(msg, "Check constraint '") {
		return constraintFailure(ConstraintCheck, quoted(msg, "'"), "")
	}
	name := quoted(msg, "`")
	var table string
	if _, t, ok := strings.Cut(msg, " failed for "); ok {
		if _, tt, ok := strings.Cut(t, "`.`"); ok {
			table = strings.Trim(tt, "`")
		}
	}
	if table != "" && strings.HasPrefix(name, table+".") {
		return constraintFailure(ConstraintCheck, "", table, strings.TrimPrefix(name, table+"."))
	}
	return constraintFailure(ConstraintCheck, name, table)
}

// quoted returns the first text between two q in s, or "".
func quoted(s, q string) string {
	_, rest, ok := strings.Cut(s, q)
	if !ok {
		return ""
	}
	name, _, ok := strings.Cut(rest, q)
	if !ok {
		return ""
	}
	return name
}
