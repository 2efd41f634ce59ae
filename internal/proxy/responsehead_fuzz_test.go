package proxy

import (
	"bufio"
	"bytes"
	"net/http"
	"net/textproto"
	"reflect"
	"testing"
)

// FuzzResponseHeadAgreesWithTextproto holds the lean path's buffered head
// parser to textproto, which read every answer before it: whatever head
// the parser takes, textproto reads the same status, fields and length,
// and the client's header comes out the same through both.
func FuzzResponseHeadAgreesWithTextproto(f *testing.F) {
	for _, s := range []string{
		"HTTP/1.1 200 OK\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{}",
		"HTTP/1.1 204 No Content\r\nDate: Mon, 02 Jan 2006 15:04:05 GMT\r\n\r\n",
		"HTTP/1.0 200 OK\r\nconnection: close\r\nx-a: 1\r\nX-A: 2\r\n\r\n",
		"HTTP/1.1 200 OK\r\nConnection: X-Secret, close\r\nX-Secret: s\r\nKeep-Alive: timeout=5\r\n\r\n",
		"HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\nTrailer: X-T\r\n\r\n0\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX-Folded: a\r\n b\r\n\r\n",
		"HTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\nHTTP/1.1 200 OK\r\n\r\n",
		"HTTP/1.1 200\r\nX-Empty:\r\nX-Spaces:  \t v \t \r\n\r\n",
		"HTTP/1.1 200 OK\r\nBad Key: v\r\n\r\n",
		"HTTP/1.1 200 OK\nX: y\n\n",
		"HTTP/1.1 200 OK\r\nX: a\x00b\r\n\r\n",
		"HTTP/1.1 200 OK\r\nX: caf\xc3\xa9\r\n\r\n",
		"HTTP/1.1 200 OK\r\nContent-Type:\r\ncontent-type: text/event-stream\r\n\r\n",
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, raw []byte) {
		var fast responseHead
		buf := append([]byte(nil), raw...)
		n, ok := fast.parseBuffered(buf, nil)
		if !ok {
			return
		}
		if n > len(raw) || !bytes.HasSuffix(raw[:n], []byte("\r\n\r\n")) {
			t.Fatalf("length %d does not end a head in %q", n, raw)
		}

		br := bufio.NewReader(bytes.NewReader(raw))
		line, err := br.ReadSlice('\n')
		if err != nil {
			t.Fatalf("the parser took %q, its status line does not read: %v", raw, err)
		}
		mh, err := textproto.NewReader(br).ReadMIMEHeader()
		if err != nil {
			t.Fatalf("the parser took %q, textproto refuses it: %v", raw, err)
		}
		if read := len(raw) - br.Buffered(); read != n {
			t.Fatalf("head of %q: the parser says %d bytes, textproto read %d", raw, n, read)
		}
		code := int(line[9]-'0')*100 + int(line[10]-'0')*10 + int(line[11]-'0')
		if fast.code != code || fast.minor != line[7] {
			t.Fatalf("status of %q: %d 1.%c, textproto %d 1.%c", raw, fast.code, fast.minor, code, line[7])
		}
		var slow responseHead
		slow.fromMIME(mh)
		for name, pair := range map[string][2][]string{
			"Connection":        {fast.connection, slow.connection},
			"Transfer-Encoding": {fast.transferEncoding, slow.transferEncoding},
			"Content-Length":    {fast.contentLength, slow.contentLength},
			"Trailer":           {fast.trailer, slow.trailer},
		} {
			if !reflect.DeepEqual(pair[0], pair[1]) {
				t.Fatalf("%s of %q: %q, textproto %q", name, raw, pair[0], pair[1])
			}
		}
		if fast.contentType != slow.contentType {
			t.Fatalf("Content-Type of %q: %q, textproto %q", raw, fast.contentType, slow.contentType)
		}
		// What the client gets, over a header the gateway had set already.
		a := http.Header{"X-Gateway": {"g"}, "Content-Type": {"gateway/own"}}
		b := http.Header{"X-Gateway": {"g"}, "Content-Type": {"gateway/own"}}
		fast.commitTo(a)
		slow.commitTo(b)
		if !reflect.DeepEqual(a, b) {
			t.Fatalf("client header of %q: %v, textproto %v", raw, a, b)
		}
	})
}
