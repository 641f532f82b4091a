// Command datapath is the load tool of hack/bench-datapath.sh: an application server, a bulk
// sender, a request/response load client and a start-to-ready timer. Standard library only.
//
//	datapath serve   -addr 127.0.0.1:P
//	datapath bulk    -addr HOST:P -bytes N
//	datapath rr      -addr HOST:P -conns C -warmup W -requests N [-size 1024] [-rate R]
//	datapath churn   -addr HOST:P -conns C -warmup W -requests N [-size 1024] [-timeout D]
//	datapath tlsprobe -addr HOST:P -ca F [-cert F -key F] (tlsprobe.go)
//	datapath ready   (-url URL | -tcp HOST:P) [-timeout 60s]
//	datapath startup (-url URL | -tcp HOST:P) [-log FILE] -- command args...
//	datapath ca      -addr 127.0.0.1:P -issuer-cert F -issuer-key F -bundle F -spiffe-id ID (ca.go)
//
// The wire protocol (through any TCP proxy): the client's first byte picks the mode.
//
//	'B' + 8-byte big-endian length N: the server reads exactly N bytes, then writes one byte.
//	'R' + 4-byte big-endian size S: then, until EOF, the server reads S bytes and writes them
//	     back (a 1 KB request gets a 1 KB response).
//
// rr keeps its connections alive; churn opens a new connection for every request (through a TLS
// proxy pair, a handshake per request).
//
// Every loop is bounded by a count; every wait by a deadline.
package main

import (
	"bufio"
	"bytes"
	"crypto/rand"
	"encoding/binary"
	"flag"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/exec"
	"sort"
	"sync"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		fail("usage: datapath serve|bulk|rr|churn|ready|startup|ca|tlsprobe [flags]")
	}
	args := os.Args[2:]
	switch os.Args[1] {
	case "serve":
		serve(args)
	case "bulk":
		bulk(args)
	case "rr":
		rr(args)
	case "churn":
		churn(args)
	case "tlsprobe":
		tlsprobe(args)
	case "ready":
		ready(args)
	case "startup":
		startup(args)
	case "ca":
		ca(args)
	default:
		fail("unknown command " + os.Args[1])
	}
}

func fail(msg string) {
	fmt.Fprintln(os.Stderr, "datapath:", msg)
	os.Exit(1)
}

func check(err error, what string) {
	if err != nil {
		fail(what + ": " + err.Error())
	}
}

// ---- server ----

func serve(args []string) {
	fs := flag.NewFlagSet("serve", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address")
	fs.Parse(args)
	ln, err := net.Listen("tcp", *addr)
	check(err, "listen")
	fmt.Println("listening", ln.Addr())
	for {
		c, err := ln.Accept()
		check(err, "accept")
		go handle(c)
	}
}

func handle(c net.Conn) {
	defer c.Close()
	var mode [1]byte
	if _, err := io.ReadFull(c, mode[:]); err != nil {
		return
	}
	switch mode[0] {
	case 'B':
		var n [8]byte
		if _, err := io.ReadFull(c, n[:]); err != nil {
			return
		}
		want := int64(binary.BigEndian.Uint64(n[:]))
		buf := make([]byte, 256<<10)
		got, err := io.CopyBuffer(io.Discard, io.LimitReader(c, want), buf)
		if err != nil || got != want {
			fmt.Fprintf(os.Stderr, "bulk: got %d of %d bytes: %v\n", got, want, err)
			return
		}
		c.Write([]byte{'K'})
	case 'R':
		var s [4]byte
		if _, err := io.ReadFull(c, s[:]); err != nil {
			return
		}
		buf := make([]byte, binary.BigEndian.Uint32(s[:]))
		for {
			if _, err := io.ReadFull(c, buf); err != nil {
				return
			}
			if _, err := c.Write(buf); err != nil {
				return
			}
		}
	}
}

// ---- bulk: one connection, N bytes one way ----

func bulk(args []string) {
	fs := flag.NewFlagSet("bulk", flag.ExitOnError)
	addr := fs.String("addr", "", "server or proxy address")
	total := fs.Int64("bytes", 2<<30, "bytes to send")
	chunk := fs.Int("chunk", 64<<10, "write size")
	timeout := fs.Duration("timeout", 120*time.Second, "give up after this")
	fs.Parse(args)
	c, err := net.Dial("tcp", *addr)
	check(err, "dial")
	defer c.Close()
	c.SetDeadline(time.Now().Add(*timeout))
	buf := make([]byte, *chunk)
	rand.Read(buf)
	hdr := make([]byte, 9)
	hdr[0] = 'B'
	binary.BigEndian.PutUint64(hdr[1:], uint64(*total))
	start := time.Now()
	_, err = c.Write(hdr)
	check(err, "write header")
	for sent := int64(0); sent < *total; {
		n := int64(len(buf))
		if *total-sent < n {
			n = *total - sent
		}
		_, err := c.Write(buf[:n])
		check(err, fmt.Sprintf("write after %d bytes", sent))
		sent += n
	}
	var ack [1]byte
	_, err = io.ReadFull(c, ack[:])
	check(err, "read ack (the server got fewer bytes than sent?)")
	el := time.Since(start)
	fmt.Printf("bulk bytes=%d seconds=%.3f MBps=%.1f\n", *total, el.Seconds(),
		float64(*total)/el.Seconds()/1e6)
}

// ---- rr: 1 KB request, 1 KB response, keep-alive connections ----

func rr(args []string) {
	fs := flag.NewFlagSet("rr", flag.ExitOnError)
	addr := fs.String("addr", "", "server or proxy address")
	conns := fs.Int("conns", 1, "connections, one request in flight on each")
	warmup := fs.Int("warmup", 10000, "requests before measuring (in total)")
	requests := fs.Int("requests", 50000, "measured requests (in total)")
	size := fs.Int("size", 1024, "request and response size")
	rate := fs.Float64("rate", 0, "measured requests per second in total, spread evenly over the"+
		" connections (0: as fast as the responses come)")
	timeout := fs.Duration("timeout", 300*time.Second, "give up after this")
	fs.Parse(args)

	var interval time.Duration // between one connection's measured requests; 0: back to back
	if *rate > 0 {
		interval = time.Duration(float64(*conns) / *rate * float64(time.Second))
	}
	el, lat := gatedRun("rr", *conns, *warmup / *conns, *requests / *conns, func(i int) (worker, error) {
		c, err := net.Dial("tcp", *addr)
		if err != nil {
			return worker{}, err
		}
		c.SetDeadline(time.Now().Add(*timeout))
		hdr := make([]byte, 5)
		hdr[0] = 'R'
		binary.BigEndian.PutUint32(hdr[1:], uint32(*size))
		if _, err := c.Write(hdr); err != nil {
			c.Close()
			return worker{}, err
		}
		req := make([]byte, *size)
		resp := make([]byte, *size)
		r := bufio.NewReaderSize(c, 2**size)
		var next time.Time // the next paced send
		return worker{close: func() { c.Close() }, request: func(k int, measured bool) (time.Duration, error) {
			if measured && interval > 0 {
				if next.IsZero() { // paced connections start staggered over the interval
					next = time.Now().Add(interval * time.Duration(i) / time.Duration(*conns))
				}
				time.Sleep(time.Until(next))
				next = next.Add(interval)
			}
			t := time.Now() // latency from the actual send: the rate is far below capacity
			rand.Read(req[:8])
			binary.BigEndian.PutUint64(req[*size-8:], uint64(k))
			if _, err := c.Write(req); err != nil {
				return 0, err
			}
			if _, err := io.ReadFull(r, resp); err != nil {
				return 0, err
			}
			if !bytes.Equal(req, resp) {
				return 0, fmt.Errorf("response %d differs from its request", k)
			}
			return time.Since(t), nil
		}}, nil
	})
	all, pct := percentiles(lat)
	fmt.Printf("rr conns=%d target_rps=%.0f requests=%d seconds=%.3f rps=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f\n",
		*conns, *rate, len(all), el.Seconds(), float64(len(all))/el.Seconds(), pct(0.5), pct(0.9), pct(0.99),
		pct(1))
}

// worker is one load connection (rr) or one worker making connections (churn): request makes
// request k and returns its latency (measured: after the warm-up); close ends it.
type worker struct {
	request func(k int, measured bool) (time.Duration, error)
	close   func()
}

// gatedRun starts conns workers, each made by start(i). Each makes its warm requests, waits until
// every worker has, then makes its per measured requests. It returns the time from opening the
// gate until all are done, and every worker's measured latencies; a worker's error, in the
// warm-up or after, ends the program.
func gatedRun(name string, conns, warm, per int, start func(i int) (worker, error)) (time.Duration,
	[][]time.Duration) {
	lat := make([][]time.Duration, conns)
	var ready, done sync.WaitGroup
	gate := make(chan struct{})
	errs := make(chan error, conns)
	ready.Add(conns)
	done.Add(conns)
	for i := 0; i < conns; i++ {
		go func(i int) {
			defer done.Done()
			readyOnce := sync.OnceFunc(ready.Done)
			defer readyOnce()
			w, err := start(i)
			if err != nil {
				errs <- err
				return
			}
			defer w.close()
			for k := 0; k < warm; k++ {
				if _, err := w.request(k, false); err != nil {
					errs <- err
					return
				}
			}
			readyOnce()
			<-gate
			l := make([]time.Duration, per)
			for k := range l {
				if l[k], err = w.request(warm+k, true); err != nil {
					errs <- err
					return
				}
			}
			lat[i] = l
		}(i)
	}
	ready.Wait()
	select {
	case err := <-errs:
		fail(name + " warm-up: " + err.Error())
	default:
	}
	begin := time.Now()
	close(gate)
	done.Wait()
	el := time.Since(begin)
	select {
	case err := <-errs:
		fail(name + ": " + err.Error())
	default:
	}
	return el, lat
}

// percentiles merges the workers' latencies, sorted, and returns them with a function from a
// fraction (0.5, 0.99, 1 for the maximum) to that percentile in microseconds.
func percentiles(lat [][]time.Duration) ([]time.Duration, func(float64) float64) {
	var all []time.Duration
	for _, l := range lat {
		all = append(all, l...)
	}
	if len(all) == 0 {
		fail("no measured requests (fewer requests than connections?)")
	}
	sort.Slice(all, func(a, b int) bool { return all[a] < all[b] })
	return all, func(p float64) float64 {
		return float64(all[int(p*float64(len(all)-1))].Microseconds())
	}
}

// ---- churn: a new connection per request ----

// churn runs C workers; each opens a new TCP connection for every request: dial, write the 'R'
// header and one request (in one write, as a client sends a small request), read the response,
// compare it, close. Latency runs from the start of the dial to the last byte of the response,
// so through a proxy pair it includes the pair's TLS handshake. Each worker makes its share of
// the warm-up connections, waits for the others, then makes its share of the measured ones; the
// rate is measured connections per second of the measured part.
func churn(args []string) {
	fs := flag.NewFlagSet("churn", flag.ExitOnError)
	addr := fs.String("addr", "", "server or proxy address")
	conns := fs.Int("conns", 16, "concurrent workers, one connection open on each at a time")
	warmup := fs.Int("warmup", 1000, "connections before measuring (in total)")
	requests := fs.Int("requests", 10000, "measured connections (in total), one request each")
	size := fs.Int("size", 1024, "request and response size")
	connTimeout := fs.Duration("conn-timeout", 10*time.Second, "give up on one connection after this")
	timeout := fs.Duration("timeout", 300*time.Second, "give up on the whole run after this")
	fs.Parse(args)

	deadline := time.Now().Add(*timeout)
	el, lat := gatedRun("churn", *conns, *warmup / *conns, *requests / *conns, func(int) (worker, error) {
		dialer := net.Dialer{Timeout: *connTimeout}
		msg := make([]byte, 5+*size)
		msg[0] = 'R'
		binary.BigEndian.PutUint32(msg[1:5], uint32(*size))
		req := msg[5:]
		resp := make([]byte, *size)
		return worker{close: func() {}, request: func(k int, _ bool) (time.Duration, error) {
			if time.Now().After(deadline) {
				return 0, fmt.Errorf("not done within %s", *timeout)
			}
			rand.Read(req[:8])
			binary.BigEndian.PutUint64(req[*size-8:], uint64(k))
			start := time.Now()
			c, err := dialer.Dial("tcp", *addr)
			if err != nil {
				return 0, err
			}
			defer c.Close()
			c.SetDeadline(start.Add(*connTimeout))
			if _, err := c.Write(msg); err != nil {
				return 0, fmt.Errorf("connection %d: write: %w", k, err)
			}
			if _, err := io.ReadFull(c, resp); err != nil {
				return 0, fmt.Errorf("connection %d: read: %w", k, err)
			}
			el := time.Since(start)
			if !bytes.Equal(req, resp) {
				return 0, fmt.Errorf("connection %d: the response differs from its request", k)
			}
			return el, nil
		}}, nil
	})
	all, pct := percentiles(lat)
	fmt.Printf("churn conns=%d requests=%d seconds=%.3f rate=%.0f p50_us=%.0f p90_us=%.0f p99_us=%.0f max_us=%.0f\n",
		*conns, len(all), el.Seconds(), float64(len(all))/el.Seconds(), pct(0.5), pct(0.9), pct(0.99), pct(1))
}

// ---- readiness ----

type probe func() bool

func readinessProbe(url, tcp string) probe {
	switch {
	case url != "":
		client := &http.Client{Timeout: 500 * time.Millisecond}
		return func() bool {
			resp, err := client.Get(url)
			if err != nil {
				return false
			}
			io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return resp.StatusCode == 200
		}
	case tcp != "":
		return func() bool {
			c, err := net.DialTimeout("tcp", tcp, 500*time.Millisecond)
			if err != nil {
				return false
			}
			c.Close()
			return true
		}
	}
	fail("-url or -tcp is required")
	return nil
}

func waitFor(p probe, timeout time.Duration, exited <-chan struct{}) bool {
	deadline := time.Now().Add(timeout)
	for time.Now().Before(deadline) {
		if p() {
			return true
		}
		select {
		case <-exited:
			return false
		case <-time.After(2 * time.Millisecond):
		}
	}
	return false
}

func ready(args []string) {
	fs := flag.NewFlagSet("ready", flag.ExitOnError)
	url := fs.String("url", "", "HTTP URL that answers 200 when ready")
	tcp := fs.String("tcp", "", "address that accepts connections when ready")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this")
	fs.Parse(args)
	if !waitFor(readinessProbe(*url, *tcp), *timeout, nil) {
		fail("not ready within " + timeout.String() + ": " + *url + *tcp)
	}
}

// startup runs the command, measures exec to ready, then stops it with SIGTERM (SIGKILL after
// 10 s) and waits for it to exit, so the next run can bind the same ports.
func startup(args []string) {
	fs := flag.NewFlagSet("startup", flag.ExitOnError)
	url := fs.String("url", "", "HTTP URL that answers 200 when ready")
	tcp := fs.String("tcp", "", "address that accepts connections when ready")
	logFile := fs.String("log", "/dev/null", "the command's stdout and stderr")
	timeout := fs.Duration("timeout", 60*time.Second, "give up after this")
	fs.Parse(args)
	argv := fs.Args()
	if len(argv) == 0 {
		fail("startup: no command")
	}
	p := readinessProbe(*url, *tcp)
	if p() {
		fail("startup: something already answers the readiness probe")
	}
	out, err := os.OpenFile(*logFile, os.O_CREATE|os.O_WRONLY|os.O_APPEND, 0o644)
	check(err, "log")
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Stdout, cmd.Stderr = out, out
	start := time.Now()
	check(cmd.Start(), "start")
	exited := make(chan struct{})
	go func() { cmd.Wait(); close(exited) }()
	ok := waitFor(p, *timeout, exited)
	el := time.Since(start)
	cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-exited:
	case <-time.After(10 * time.Second):
		cmd.Process.Kill()
		<-exited
	}
	if !ok {
		fail("startup: not ready (see " + *logFile + ")")
	}
	fmt.Printf("startup ms=%.1f\n", float64(el.Microseconds())/1000)
}
