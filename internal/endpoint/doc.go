// Package endpoint holds what every runtime endpoint style shares: the
// Runner it calls, the conversion of an HTTP request into a process.Input
// and of a process.Result into an answer (Exchange), paging, and the one
// place where errors become problem+json. The styles (rest, simple) only
// route to compiled Exchanges.
//
// # Request → process
//
// Properties: param_{name} (path parameters, strings); query_{name}
// (declared parameters typed: integer → int, number → float64, boolean →
// bool, a wrong or missing required one is 400 naming it; undeclared ones
// as strings; the first value of a repeated one; moreDataToken is never
// passed); inheader_{name} for declared headers (declared spelling) and
// every X-WSS-* header, never a protected one (Connection, Upgrade, Via,
// Host, Proxy-Authorization, Proxy-Connection, X-Forwarded-*); inmethod,
// inpath, inuser (WithUser; "" without a security layer) and execution_id.
//
// Body by input type: none refuses a non-empty body with 400 (a client that
// sends one to such an endpoint is mistaken, and silently dropping it would
// hide that); json is one document (Content-Type application/json or
// +json, else 415; invalid JSON is 400 naming the 0-based byte offset);
// multijson splits a top-level array into one document per element, any
// other value is one document; xml and text hand the body over as one
// string (Content-Type checked loosely: something naming xml, text/*);
// binary as one base64 string. Bodies over Options.MaxBodyBytes (10 MiB)
// are 413, chunked ones included. JSON numbers become int when integral and
// within int64, float64 otherwise. json and multijson documents are checked
// against the request profile (the endpoint's, else the process's input
// profile): a violation is 400 with "errors": [{"pointer", "message"}],
// pointers prefixed with the element index for a split array ("/1/sku").
//
// # Process → answer
//
// Status: Result.Status, else the outstatuscode property, else 200 (204
// for output none); 201 is never implied. Headers: outheader_{name}
// properties, except protected and hop-by-hop headers, Content-Length and
// X-Execution-Id. Body by output type: json is the single document as is
// when the process returned exactly one, otherwise an array — several
// documents, or [] for none (an empty result is 200 []: a GET by key that
// finds nothing answers 404 only when its process fails with 404); multijson
// is always an array; text and xml the first document (a string as is,
// another value as JSON); binary the first document base64-decoded; none
// no body. Response profiles are documentation (contracts), not checked at
// run time.
//
// # Paging
//
// When the process's maxDocuments is above zero and a json or multijson
// result holds more documents, the answer carries the first maxDocuments as
// an array, a Link: <...?moreDataToken=T>; rel="next" header and the same
// token in X-More-Data-Token. Every page of a paged result is an array. A
// request with ?moreDataToken=T runs the process again with the same input
// and answers the next page: pages are consistent only as far as the
// process's data is. The token is the offset, signed (HMAC-SHA-256 with
// Options.TokenKey) together with the method, path and the rest of the
// query; a forged, altered or foreign token is 400.
//
// # Errors
//
// Every answer, errors included, carries X-Execution-Id (a UUIDv7); errors
// are application/problem+json with type, title, status, detail, instance
// and executionId. Unknown route 404, known path with another method 405
// with Allow, 400/413/415 as above, a fail step its status with its
// message as detail and its code as "code", model.ErrUnavailable 503 with
// Retry-After, a context deadline 504, a violated database constraint
// (a connector error with Constraint() (kind, name, on), such as
// sqldb.ConstraintError) 409 for unique and foreign key ones — the data
// collides with what is stored — and 422 for not-null and check ones — the
// data itself is refused —, its detail naming the constraint as far as the
// database told ("the data violates unique constraint customers_email_key
// on customers.email"; never a value nor SQL) and its code
// uniqueViolation, foreignKeyViolation, notNullViolation or
// checkViolation; another model.ErrConflict 409. Anything else is 500
// whose detail only names the execution (the error itself goes to the log
// under that id): model.ErrInvalid from a process (a statement missing a
// named argument, a bad expression) is a fault of its design, not of the
// client's data.
//
// # Execution records
//
// With Options.Recorder set, every request an Exchange takes is reported
// once its answer is out (flushed first, so that recording never delays
// it). A general-mode process leaves one model.Execution: COMPLETE when the
// process returned (whatever status it asked for), ERROR when the request
// was refused or the process failed, with the problem detail the client
// saw (never the Go error), ABORTED when the client went away. Its input
// and output documents are copied as JSON arrays of whole documents up to
// Options.RecordLimitBytes each (64 KiB), Truncated saying some were left
// out. A low-latency process leaves no record: it is only counted
// (Recorder.CountLowLatency), and nothing is marshalled for it.
package endpoint
