package proxy

import (
	"io"
	"net/http"
	"strings"
	"sync"
)

// copyBufSize is the size of the buffers bodies are copied through.
const copyBufSize = 32 << 10

var bufPool = sync.Pool{New: func() any {
	b := make([]byte, copyBufSize)
	return &b
}}

// streams reports whether an answer must reach the client as it arrives
// rather than when the server's buffer fills: event streams and bodies of
// unknown length (chunked), which may be long-lived.
func streams(resp *http.Response) bool {
	if resp.ContentLength < 0 {
		return true
	}
	ct := resp.Header["Content-Type"]
	return len(ct) > 0 && strings.HasPrefix(ct[0], "text/event-stream")
}

// copyBody copies src to w through a pooled buffer, flushing after every
// read when flush is set. readErr is the upstream's failure, writeErr the
// client's.
func copyBody(w http.ResponseWriter, src io.Reader, flush bool) (readErr, writeErr error) {
	bp := bufPool.Get().(*[]byte)
	defer bufPool.Put(bp)
	buf := *bp
	var rc *http.ResponseController
	if flush {
		rc = http.NewResponseController(w)
	}
	for {
		n, err := src.Read(buf)
		if n > 0 {
			if _, werr := w.Write(buf[:n]); werr != nil {
				return nil, werr
			}
			if flush {
				if ferr := rc.Flush(); ferr != nil {
					return nil, ferr
				}
			}
		}
		if err == io.EOF {
			return nil, nil
		}
		if err != nil {
			return err, nil
		}
	}
}
