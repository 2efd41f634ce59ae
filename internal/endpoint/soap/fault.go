package soap

import (
	"context"
	"errors"
	"net/http"
	"strconv"

	"github.com/portico-dev/portico/internal/endpoint"
	"github.com/portico-dev/portico/internal/endpoint/problem"
)

// NSFault is the namespace of the executionFault element every fault's
// detail carries.
const NSFault = "https://portico.dev/soap/fault"

// fault is what a client is told went wrong.
type fault struct {
	code   string // codeClient, codeServer, codeVersionMismatch, codeMustUnderstand
	msg    string
	status int    // the HTTP status the problem mapping chose (404, 409, 503, ...)
	reason string // the machine code of a fail step ("notFound"); "" when none
	header http.Header
	// httpStatus overrides the status the SOAP rules give (404 for no
	// such service, 413, 415): errors before any SOAP is read.
	httpStatus int
}

// faultOf maps an error of a request to its fault: the request's own
// faults as they are, everything else through endpoint.Problem, the one
// place that decides what a client may see of an error.
func faultOf(err error, id string) *fault {
	var fe *faultError
	if errors.As(err, &fe) {
		st := http.StatusBadRequest
		if fe.code == codeServer {
			st = http.StatusInternalServerError
		}
		return &fault{code: fe.code, msg: fe.msg, status: st}
	}
	var te *transportError
	if errors.As(err, &te) {
		return transportFault(te.p)
	}
	var pe *parseError
	if errors.As(err, &pe) {
		return &fault{code: codeClient, msg: pe.msg, status: http.StatusBadRequest}
	}
	p := endpoint.Problem(err, id)
	f := &fault{code: codeServer, msg: p.Detail, status: p.Status, reason: p.Code, header: p.Header}
	if f.msg == "" {
		f.msg = http.StatusText(p.Status)
	}
	if p.Status < 500 {
		f.code = codeClient
	}
	return f
}

// transportFault is refused before any SOAP is read: its HTTP status says
// more than a fault code can (404, 405, 413, 415).
func transportFault(p *problem.Problem) *fault {
	code := codeClient
	if p.Status >= 500 {
		code = codeServer
	}
	return &fault{code: code, msg: p.Detail, status: p.Status, header: p.Header, httpStatus: p.Status}
}

// httpStatusOf follows SOAP 1.1 (every fault is a 500) and the SOAP 1.2
// HTTP binding (Sender faults 400, the others 500).
func (f *fault) httpStatusOf(version string) int {
	if f.httpStatus != 0 {
		return f.httpStatus
	}
	if version == "1.2" && (f.code == codeClient) {
		return http.StatusBadRequest
	}
	return http.StatusInternalServerError
}

// writeFault writes f as a SOAP Fault of version, its detail naming the
// execution. It returns the HTTP status written.
func writeFault(w http.ResponseWriter, version, id string, f *fault) int {
	var b writer
	envelopeStart(&b, version)
	if version == "1.2" {
		code := f.code
		switch code {
		case codeClient:
			code = "Sender"
		case codeServer:
			code = "Receiver"
		}
		b.WriteString("<soap:Fault><soap:Code><soap:Value>soap:" + code + "</soap:Value></soap:Code>")
		b.WriteString(`<soap:Reason><soap:Text xml:lang="en">`)
		b.text(f.msg)
		b.WriteString("</soap:Text></soap:Reason><soap:Detail>")
		detail(&b, id, f)
		b.WriteString("</soap:Detail></soap:Fault>")
	} else {
		b.WriteString("<soap:Fault><faultcode>soap:" + f.code + "</faultcode><faultstring>")
		b.text(f.msg)
		b.WriteString("</faultstring><detail>")
		detail(&b, id, f)
		b.WriteString("</detail></soap:Fault>")
	}
	envelopeEnd(&b)
	h := w.Header()
	for k, vs := range f.header {
		h[k] = vs
	}
	h.Del("Content-Encoding")
	h.Set("Content-Type", contentType(version))
	h.Set("Content-Length", strconv.Itoa(b.Len()))
	st := f.httpStatusOf(version)
	w.WriteHeader(st)
	_, _ = w.Write(b.Bytes())
	return st
}

func detail(b *writer, id string, f *fault) {
	b.WriteString(`<f:executionFault xmlns:f="` + NSFault + `"><f:executionId>`)
	b.text(id)
	b.WriteString("</f:executionId><f:status>" + strconv.Itoa(f.status) + "</f:status>")
	if f.reason != "" {
		b.WriteString("<f:code>")
		b.text(f.reason)
		b.WriteString("</f:code>")
	}
	b.WriteString("</f:executionFault>")
}

func contentType(version string) string {
	if version == "1.2" {
		return "application/soap+xml; charset=utf-8"
	}
	return "text/xml; charset=utf-8"
}

// gone reports a client that went away: nobody reads an answer.
func gone(err error, r *http.Request) bool {
	return errors.Is(err, context.Canceled) && r.Context().Err() != nil
}

// WriteProblem answers a refusal made before SOAP was read (authentication,
// limits: p) as a SOAP Fault of version ("1.1" or "1.2"), keeping p's HTTP
// status and headers (WWW-Authenticate, Retry-After).
func WriteProblem(w http.ResponseWriter, version string, p *problem.Problem) {
	id := p.ExecutionID
	if id == "" {
		id = endpoint.EnsureExecutionID(w)
	}
	writeFault(w, version, id, transportFault(p))
}
