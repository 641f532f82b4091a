package main

import (
	"bytes"
	"context"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"errors"
	"fmt"
	"io"
	mrand "math/rand/v2"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// operatorTarget is where the simulated sidecars reach the operator, and how they verify it.
type operatorTarget struct {
	base       string // https://127.0.0.1:<port>
	serverName string // a DNS name in the operator's serving certificate
	roots      *x509.CertPool
}

// counters of what all sidecars saw, for the report.
type sidecarCounters struct {
	csrOK, csr429, csr503, csrOther, csrNetErr atomic.Int64
	pollOK, pollNotModified, pollErr           atomic.Int64
}

// sidecar is one simulated palisade-proxy: its pod, token, key and certificate, and the
// long-poll loop holding /v1/config as ConfigPoller does.
type sidecar struct {
	namespace, pod, serviceAccount, uid string
	token                               string
	// source is the pod's own address on this host (sourceAddress): the operator limits
	// signing requests and held long-polls per source address, as it would per pod IP.
	source net.IP

	mu      sync.Mutex
	cert    *tls.Certificate
	version string
	mode    string // inbound.defaultMode of the version held
	// receipts: when each new version arrived (for fan-out timing).
	onVersion func(s *sidecar, version string, at time.Time)

	holding atomic.Bool // a long-poll with a version is in flight
	cancel  context.CancelFunc
	done    chan struct{}
}

func newCSR() (*ecdsa.PrivateKey, string, error) {
	key, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, "", err
	}
	der, err := x509.CreateCertificateRequest(rand.Reader,
		&x509.CertificateRequest{Subject: pkix.Name{CommonName: "ignored"}}, key)
	if err != nil {
		return nil, "", err
	}
	return key, string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE REQUEST", Bytes: der})), nil
}

// dialer connects from the sidecar's own source address.
func (s *sidecar) dialer() *net.Dialer {
	return &net.Dialer{Timeout: 10 * time.Second, KeepAlive: -1, LocalAddr: &net.TCPAddr{IP: s.source}}
}

// sourceAddress gives pod i an address of its own, as a pod has its own IP: 127.1.0.1 onwards
// (all of 127.0.0.0/8 is loopback on Linux: nothing to configure or remove). From one address,
// 10,000 simulated pods would meet the operator's per-source limits (SigningGuard: 5 requests/s;
// LongPollLimits: a sixteenth of the held polls), which no real cluster's pods share.
func sourceAddress(i int) net.IP {
	return net.IPv4(127, byte(1+i/(250*256)), byte(i/250%256), byte(1+i%250))
}

// certify runs the sidecar's certificate request until it succeeds or ctx ends, as
// IdentityRenewer does: the server's Retry-After when given (exactly, as the sidecar does),
// else exponential backoff from 1 s to 30 s with full jitter. Returns the attempts made.
func (s *sidecar) certify(ctx context.Context, target *operatorTarget, counters *sidecarCounters) (int, error) {
	key, csr, err := newCSR()
	if err != nil {
		return 0, err
	}
	body, _ := json.Marshal(map[string]string{"csr": csr})
	// No client certificate on this endpoint (docs/signing.md); a connection of its own, as
	// the sidecar's HttpClient has.
	transport := &http.Transport{
		DialContext:       s.dialer().DialContext,
		TLSClientConfig:   &tls.Config{RootCAs: target.roots, ServerName: target.serverName, MinVersion: tls.VersionTLS13},
		ForceAttemptHTTP2: false,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport, Timeout: 30 * time.Second}
	failures := 0
	for attempt := 1; ; attempt++ {
		req, _ := http.NewRequestWithContext(ctx, http.MethodPost, target.base+"/v1/certificates", bytes.NewReader(body))
		req.Header.Set("Authorization", "Bearer "+s.token)
		req.Header.Set("Content-Type", "application/json")
		resp, err := client.Do(req)
		var wait time.Duration
		if err != nil {
			if ctx.Err() != nil {
				return attempt, ctx.Err()
			}
			counters.csrNetErr.Add(1)
			wait = backoff(failures)
		} else {
			data, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			switch {
			case resp.StatusCode == http.StatusOK:
				var answer struct {
					CertificateChain string `json:"certificateChain"`
				}
				if err := json.Unmarshal(data, &answer); err != nil {
					return attempt, err
				}
				cert, err := tlsCertificate(answer.CertificateChain, key)
				if err != nil {
					return attempt, err
				}
				counters.csrOK.Add(1)
				s.mu.Lock()
				s.cert = cert
				s.mu.Unlock()
				return attempt, nil
			case resp.StatusCode == http.StatusTooManyRequests:
				counters.csr429.Add(1)
			case resp.StatusCode == http.StatusServiceUnavailable:
				counters.csr503.Add(1)
			default:
				counters.csrOther.Add(1)
				if resp.StatusCode/100 == 4 && resp.StatusCode != http.StatusTooManyRequests {
					return attempt, fmt.Errorf("refused %d: %s", resp.StatusCode, strings.TrimSpace(string(data)))
				}
			}
			if after, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
				wait = after
			} else {
				wait = backoff(failures)
			}
		}
		failures++
		select {
		case <-ctx.Done():
			return attempt, ctx.Err()
		case <-time.After(wait):
		}
	}
}

func retryAfter(value string) (time.Duration, bool) {
	seconds, err := strconv.Atoi(strings.TrimSpace(value))
	if err != nil || seconds < 0 {
		return 0, false
	}
	return time.Duration(seconds) * time.Second, true
}

// backoff is dev.palisade.common.time.Backoff(1 s, 30 s): full jitter.
func backoff(attempt int) time.Duration {
	ceiling := 30 * time.Second
	exp := time.Second << min(attempt, 30)
	if exp <= 0 || exp > ceiling {
		exp = ceiling
	}
	return time.Duration(mrand.Int64N(int64(exp) + 1))
}

func tlsCertificate(chainPEM string, key *ecdsa.PrivateKey) (*tls.Certificate, error) {
	cert := &tls.Certificate{PrivateKey: key}
	rest := []byte(chainPEM)
	for {
		var block *pem.Block
		block, rest = pem.Decode(rest)
		if block == nil {
			break
		}
		cert.Certificate = append(cert.Certificate, block.Bytes)
	}
	if len(cert.Certificate) == 0 {
		return nil, errors.New("no certificate in the chain")
	}
	return cert, nil
}

// poll holds /v1/config until ctx ends: one keep-alive TLS connection presenting the workload
// certificate; 200 -> new version, 304 -> poll again, errors -> backoff (Retry-After if given).
func (s *sidecar) poll(ctx context.Context, target *operatorTarget, counters *sidecarCounters) {
	defer close(s.done)
	s.mu.Lock()
	cert := s.cert
	s.mu.Unlock()
	transport := &http.Transport{
		DialContext: s.dialer().DialContext,
		TLSClientConfig: &tls.Config{RootCAs: target.roots, ServerName: target.serverName,
			MinVersion: tls.VersionTLS13, Certificates: []tls.Certificate{*cert}},
		MaxIdleConnsPerHost: 1,
		ForceAttemptHTTP2:   false,
	}
	defer transport.CloseIdleConnections()
	client := &http.Client{Transport: transport}
	failures := 0
	for ctx.Err() == nil {
		s.mu.Lock()
		version := s.version
		s.mu.Unlock()
		url := target.base + "/v1/config?pod=" + s.pod
		if version != "" {
			url += "&version=" + version
		}
		reqCtx, cancel := context.WithTimeout(ctx, 45*time.Second)
		req, _ := http.NewRequestWithContext(reqCtx, http.MethodGet, url, nil)
		s.holding.Store(version != "")
		resp, err := client.Do(req)
		var wait time.Duration
		if err == nil {
			data, readErr := io.ReadAll(resp.Body)
			resp.Body.Close()
			at := time.Now()
			switch {
			case readErr != nil:
				err = readErr
			case resp.StatusCode == http.StatusOK:
				var doc struct {
					Version string `json:"version"`
					Inbound struct {
						DefaultMode string `json:"defaultMode"`
					} `json:"inbound"`
				}
				if err = json.Unmarshal(data, &doc); err == nil {
					counters.pollOK.Add(1)
					failures = 0
					s.mu.Lock()
					changed := doc.Version != s.version
					s.version, s.mode = doc.Version, doc.Inbound.DefaultMode
					s.mu.Unlock()
					if changed && s.onVersion != nil {
						s.onVersion(s, doc.Version, at)
					}
				}
			case resp.StatusCode == http.StatusNotModified:
				counters.pollNotModified.Add(1)
				failures = 0
			default:
				counters.pollErr.Add(1)
				if after, ok := retryAfter(resp.Header.Get("Retry-After")); ok {
					wait = after
				} else {
					wait = backoff(failures)
				}
				failures++
			}
		}
		cancel()
		if err != nil {
			if ctx.Err() != nil {
				break
			}
			counters.pollErr.Add(1)
			wait = backoff(failures)
			failures++
		}
		if wait > 0 {
			s.holding.Store(false)
			select {
			case <-ctx.Done():
			case <-time.After(wait):
			}
		}
	}
	s.holding.Store(false)
}

// startPolling runs poll in the background; stopPolling ends it and closes its connection.
func (s *sidecar) startPolling(target *operatorTarget, counters *sidecarCounters) {
	ctx, cancel := context.WithCancel(context.Background())
	s.cancel, s.done = cancel, make(chan struct{})
	go s.poll(ctx, target, counters)
}

func (s *sidecar) stopPolling() {
	if s.cancel != nil {
		s.cancel()
		<-s.done
		s.cancel = nil
	}
}

func (s *sidecar) currentVersion() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.version
}
