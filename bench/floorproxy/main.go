// Command floorproxy is the reference of bench/proxy.sh: the least a Go
// reverse proxy can do per request, for the peer comparison's floor. A
// goroutine per client connection with one upstream connection of its own;
// it forwards each request head as is and copies the answer's head and a
// Content-Length body back. No policies, no header rewriting, no chunked
// bodies, no request bodies: not a proxy to use, a measure of what Go's
// runtime and the kernel cost before Portico adds anything. It prints its
// address on stdout.
//
//	floorproxy -upstream 127.0.0.1:18080
package main

import (
	"bufio"
	"bytes"
	"flag"
	"fmt"
	"io"
	"log/slog"
	"net"
	"os"
	"strconv"
)

func main() {
	listen := flag.String("listen", "127.0.0.1:0", "address to serve on")
	upstream := flag.String("upstream", "127.0.0.1:18080", "the origin's address")
	flag.Parse()
	ln, err := net.Listen("tcp", *listen)
	if err != nil {
		slog.Error("floorproxy", "err", err)
		os.Exit(1)
	}
	fmt.Printf("listening on http://%s\n", ln.Addr())
	for {
		c, err := ln.Accept()
		if err != nil {
			slog.Error("floorproxy: accept", "err", err)
			os.Exit(1)
		}
		go serve(c, *upstream)
	}
}

// serve forwards c's requests over one upstream connection until either
// side closes.
func serve(c net.Conn, upstream string) {
	defer c.Close()
	u, err := net.Dial("tcp", upstream)
	if err != nil {
		return
	}
	defer u.Close()
	cr, cw := bufio.NewReader(c), bufio.NewWriter(c)
	ur, uw := bufio.NewReader(u), bufio.NewWriter(u)
	var head []byte
	for {
		if head, _, err = readHead(cr, head); err != nil {
			return
		}
		uw.Write(head)
		if uw.Flush() != nil {
			return
		}
		var n int64
		if head, n, err = readHead(ur, head); err != nil {
			return
		}
		cw.Write(head)
		if _, err := io.CopyN(cw, ur, n); err != nil || cw.Flush() != nil {
			return
		}
	}
}

// readHead reads one message head into buf and returns its Content-Length.
func readHead(r *bufio.Reader, buf []byte) ([]byte, int64, error) {
	buf = buf[:0]
	var n int64
	for {
		line, err := r.ReadSlice('\n')
		if err != nil {
			return nil, 0, err
		}
		buf = append(buf, line...)
		if len(line) <= 2 {
			return buf, n, nil
		}
		if len(line) > 15 && bytes.EqualFold(line[:15], []byte("content-length:")) {
			n, _ = strconv.ParseInt(string(bytes.TrimSpace(line[15:])), 10, 64)
		}
	}
}
