package proxy

import (
	"io"
	"net/http"
	"strings"
	"time"
)

// switchProtocols completes an upgrade (WebSocket) the upstream accepted:
// the client connection is taken over and bytes are copied both ways until
// either side closes.
func (h *handler) switchProtocols(w http.ResponseWriter, r *http.Request, resp *http.Response, asked string) {
	backConn, ok := resp.Body.(io.ReadWriteCloser)
	if !ok || asked == "" || !strings.EqualFold(asked, resp.Header.Get("Upgrade")) {
		if ok {
			backConn.Close()
		}
		h.fail(w, r, http.StatusBadGateway, "the upstream switched to a protocol the client did not ask for")
		return
	}
	defer backConn.Close()
	rc := http.NewResponseController(w)
	conn, brw, err := rc.Hijack()
	if err != nil {
		h.fail(w, r, http.StatusInternalServerError, "this connection cannot be upgraded (HTTP/2 has no upgrades)")
		return
	}
	defer conn.Close()
	// The server's read deadline was for the request; the tunnel lives on.
	_ = conn.SetDeadline(time.Time{})

	hd := http.Header{}
	copyEndToEnd(hd, resp.Header)
	hd["Connection"] = connUpgrade
	hd["Upgrade"] = []string{resp.Header.Get("Upgrade")}
	res := &http.Response{StatusCode: http.StatusSwitchingProtocols, ProtoMajor: 1, ProtoMinor: 1, Header: hd}
	if err := res.Write(brw); err != nil {
		return
	}
	if err := brw.Flush(); err != nil {
		return
	}
	done := make(chan struct{}, 2)
	go func() {
		// What the client sent after its request is already in brw.
		_, _ = io.Copy(backConn, brw)
		done <- struct{}{}
	}()
	go func() {
		_, _ = io.Copy(conn, backConn)
		done <- struct{}{}
	}()
	select {
	case <-done:
	case <-r.Context().Done():
	}
	// Closing both ends (deferred) ends the other copy.
}
