package main

// datapath tlsprobe: the data-plane benchmark's pre-flight check of a server-side TLS proxy. It
// makes one TLS 1.3 connection (with a client certificate or without), sends one 'R' request
// through it and reads the echo. It prints what was negotiated and whether the request came
// back; it exits 0 if it did, 3 if the connection was refused or closed (a server that requires
// a client certificate refuses one without). The peer's chain is checked against -ca; its name
// is not (the bench certificates carry only a SPIFFE URI).

import (
	"bytes"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/binary"
	"errors"
	"flag"
	"fmt"
	"io"
	"net"
	"os"
	"time"
)

func tlsprobe(args []string) {
	fs := flag.NewFlagSet("tlsprobe", flag.ExitOnError)
	addr := fs.String("addr", "", "the server-side proxy's TLS address")
	caFile := fs.String("ca", "", "PEM: the root the server's chain must end at")
	certFile := fs.String("cert", "", "PEM: client certificate chain (none: connect without one)")
	keyFile := fs.String("key", "", "PEM: its key")
	timeout := fs.Duration("timeout", 5*time.Second, "give up after this")
	fs.Parse(args)

	roots := x509.NewCertPool()
	pemRoots, err := os.ReadFile(*caFile)
	check(err, "ca")
	if !roots.AppendCertsFromPEM(pemRoots) {
		fail("ca: no certificate")
	}
	config := &tls.Config{
		MinVersion:         tls.VersionTLS13,
		InsecureSkipVerify: true, // the chain is checked below, without a host name
		VerifyConnection: func(cs tls.ConnectionState) error {
			if len(cs.PeerCertificates) == 0 {
				return errors.New("no server certificate")
			}
			intermediates := x509.NewCertPool()
			for _, c := range cs.PeerCertificates[1:] {
				intermediates.AddCert(c)
			}
			_, err := cs.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: roots,
				Intermediates: intermediates, KeyUsages: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth}})
			return err
		},
	}
	withCert := *certFile != ""
	if withCert {
		pair, err := tls.LoadX509KeyPair(*certFile, *keyFile)
		check(err, "client certificate")
		config.Certificates = []tls.Certificate{pair}
	}

	refused := func(what string, err error) {
		fmt.Printf("tlsprobe client_cert=%t result=refused at=%s error=%q\n", withCert, what, err.Error())
		os.Exit(3)
	}
	raw, err := net.DialTimeout("tcp", *addr, *timeout)
	check(err, "dial")
	defer raw.Close()
	raw.SetDeadline(time.Now().Add(*timeout))
	c := tls.Client(raw, config)
	if err := c.Handshake(); err != nil {
		refused("handshake", err)
	}
	// In TLS 1.3 the client's handshake is done before the server has read its certificate: a
	// server's refusal arrives as an alert on the first read.
	msg := make([]byte, 5+16)
	msg[0] = 'R'
	binary.BigEndian.PutUint32(msg[1:5], 16)
	rand.Read(msg[5:])
	if _, err := c.Write(msg); err != nil {
		refused("write", err)
	}
	resp := make([]byte, 16)
	if _, err := io.ReadFull(c, resp); err != nil {
		refused("read", err)
	}
	if !bytes.Equal(resp, msg[5:]) {
		fail("tlsprobe: the response differs from the request")
	}
	cs := c.ConnectionState()
	fmt.Printf("tlsprobe client_cert=%t result=echoed version=%s cipher=%s group=%s\n", withCert,
		tls.VersionName(cs.Version), tls.CipherSuiteName(cs.CipherSuite), cs.CurveID)
}
