// Command demo-app is the application of the demo and the end-to-end tests: a server, and the
// clients that talk to it from other pods. It knows nothing of Palisade: the proxies around it
// do the mutual TLS.
//
//	demo-app serve [--http :8080] [--echo :9000]  HTTP "hello" + SHA-256 of a POST body; TCP echo
//	demo-app get URL                                one HTTP GET; exit 0 on 2xx, 1 otherwise
//	demo-app post URL                               one HTTP POST with an empty body; the same
//	demo-app stream HOST:PORT DURATION              one TCP connection, a line every 100 ms,
//	                                                each echo checked; exit 1 on any failure
//	demo-app sleep                                  wait for SIGTERM (a client pod's main process)
package main

import (
	"bufio"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"net"
	"net/http"
	"os"
	"os/signal"
	"strings"
	"syscall"
	"time"
)

func main() {
	if len(os.Args) < 2 {
		usage()
	}
	switch args := os.Args[2:]; os.Args[1] {
	case "serve":
		serve(flagValue(args, "--http", ":8080"), flagValue(args, "--echo", ":9000"))
	case "get", "post":
		if len(args) != 1 {
			usage()
		}
		os.Exit(request(strings.ToUpper(os.Args[1]), args[0]))
	case "stream":
		if len(args) != 2 {
			usage()
		}
		duration, err := time.ParseDuration(args[1])
		if err != nil {
			fail("bad duration %q: %v", args[1], err)
		}
		os.Exit(stream(args[0], duration))
	case "sleep":
		waitForSignal()
	default:
		usage()
	}
}

func usage() {
	fmt.Fprintln(os.Stderr, "usage: demo-app serve [--http ADDR] [--echo ADDR] | get URL | post URL | stream HOST:PORT DURATION | sleep")
	os.Exit(2)
}

func fail(format string, args ...any) {
	fmt.Fprintf(os.Stderr, "demo-app: "+format+"\n", args...)
	os.Exit(2)
}

func flagValue(args []string, name, fallback string) string {
	for i := 0; i+1 < len(args); i++ {
		if args[i] == name {
			return args[i+1]
		}
	}
	return fallback
}

func serve(httpAddr, echoAddr string) {
	pod := os.Getenv("POD_NAME")
	mux := http.NewServeMux()
	mux.HandleFunc("/", func(w http.ResponseWriter, r *http.Request) {
		fmt.Fprintf(w, "hello from %s\n", pod)
	})
	mux.HandleFunc("/sha256", func(w http.ResponseWriter, r *http.Request) {
		digest := sha256.New()
		n, err := io.Copy(digest, http.MaxBytesReader(w, r.Body, 64<<20))
		if err != nil {
			http.Error(w, err.Error(), http.StatusBadRequest)
			return
		}
		fmt.Fprintf(w, "%d %s\n", n, hex.EncodeToString(digest.Sum(nil)))
	})
	server := &http.Server{Addr: httpAddr, Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() { fail("http: %v", server.ListenAndServe()) }()
	listener, err := net.Listen("tcp", echoAddr)
	if err != nil {
		fail("echo: %v", err)
	}
	go func() {
		for {
			conn, err := listener.Accept()
			if err != nil {
				fail("echo: %v", err)
			}
			go func() {
				defer conn.Close()
				io.Copy(conn, conn)
			}()
		}
	}()
	fmt.Printf("serving http on %s, echo on %s\n", httpAddr, echoAddr)
	waitForSignal()
}

func request(method, url string) int {
	client := &http.Client{Timeout: 10 * time.Second}
	req, err := http.NewRequest(method, url, nil)
	if err != nil {
		fail("bad URL %q: %v", url, err)
	}
	response, err := client.Do(req)
	if err != nil {
		fmt.Printf("%s %s: %v\n", method, url, err)
		return 1
	}
	defer response.Body.Close()
	body, _ := io.ReadAll(io.LimitReader(response.Body, 1<<20))
	fmt.Printf("%s %s: %s\n%s", method, url, response.Status, body)
	if response.StatusCode/100 != 2 {
		return 1
	}
	return 0
}

// stream holds one connection for the whole duration, so a test can show that something done
// meanwhile (operator restarts, issuer rotation) did not cut established traffic.
func stream(address string, duration time.Duration) int {
	conn, err := net.DialTimeout("tcp", address, 10*time.Second)
	if err != nil {
		fmt.Printf("stream: dial %s: %v\n", address, err)
		return 1
	}
	defer conn.Close()
	reader := bufio.NewReader(conn)
	deadline := time.Now().Add(duration)
	trips := 0
	for time.Now().Before(deadline) {
		line := fmt.Sprintf("%d\n", trips)
		conn.SetDeadline(time.Now().Add(5 * time.Second))
		if _, err := io.WriteString(conn, line); err != nil {
			fmt.Printf("stream: write after %d round trips: %v\n", trips, err)
			return 1
		}
		echo, err := reader.ReadString('\n')
		if err != nil || echo != line {
			fmt.Printf("stream: read after %d round trips: %q %v\n", trips, echo, err)
			return 1
		}
		trips++
		time.Sleep(100 * time.Millisecond)
	}
	fmt.Printf("stream: %d round trips over one connection in %s, no error\n", trips, duration)
	return 0
}

func waitForSignal() {
	signals := make(chan os.Signal, 1)
	signal.Notify(signals, syscall.SIGINT, syscall.SIGTERM)
	<-signals
}
