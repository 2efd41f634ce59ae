package endpoint

import "encoding/json"

// RecordDocs renders docs for an execution record as Exchange does: a JSON
// array of at most limit bytes, cut between documents; cut says documents
// were left out. Styles that do not run through an Exchange (SOAP) record
// with it, so that every record looks the same.
func RecordDocs(docs []any, limit int) (json.RawMessage, bool) { return marshalCut(docs, limit) }

// RecordLimit is the cap Options put on each of a record's input and output.
func RecordLimit(o Options) int {
	limit := o.RecordLimitBytes
	if limit <= 0 {
		limit = DefaultRecordLimit
	}
	return min(limit, MaxRecordLimit)
}
