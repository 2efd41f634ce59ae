// Command floorproxy is the reference of bench/proxy.sh: the least a Go
// reverse proxy can do per request, for the peer comparison's floor. A
// goroutine per client connection with one upstream connection of its own;
// it forwards each request head as is and copies the answer's head and a
// Content-Length body back. No policies, no header rewriting, no chunked
// bodies, no request bodies: not a proxy to use, a measure of what Go's
// runtime and the kernel cost before Portico adds anything. It prints its
// address on stdout.
//
// With -forwarded it adds the five fields Portico's proxy adds to every
// request by default (X-Forwarded-For, -Host, -Proto, -Prefix and
// X-Request-Id), constant here: what those fields alone cost the origin,
// which shares the proxy's core in bench/proxy.sh.
//
//	floorproxy -upstream 127.0.0.1:18080 [-forwarded]
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
	forwarded := flag.Bool("forwarded", false, "add the fields Portico's proxy adds to each request")
	flag.Parse()
	var extra []byte
	if *forwarded {
		extra = []byte(forwardedFields)
	}
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
		go serve(c, *upstream, extra)
	}
}

// forwardedFields are the fields of -forwarded, as Portico's proxy writes
// them for a request to /ws/proxy/bench/v1/ (bench/proxy.sh's route).
const forwardedFields = "X-Forwarded-For: 127.0.0.1\r\n" +
	"X-Forwarded-Host: 127.0.0.1:40000\r\n" +
	"X-Forwarded-Proto: http\r\n" +
	"X-Forwarded-Prefix: /ws/proxy/bench/v1\r\n" +
	"X-Request-Id: 0b9c4f7e-3c1a-4d5e-9f60-2a8b7c6d5e4f\r\n"

// serve forwards c's requests over one upstream connection until either
// side closes, each head with extra added before its blank line.
func serve(c net.Conn, upstream string, extra []byte) {
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
		if len(extra) > 0 {
			uw.Write(head[:len(head)-2]) // up to the blank line
			uw.Write(extra)
			uw.WriteString("\r\n")
		} else {
			uw.Write(head)
		}
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
