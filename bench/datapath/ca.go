package main

// datapath ca: a stand-in for the operator's POST /v1/certificates (docs/signing.md), so that
// hack/bench-proxy-footprint.sh can time a proxy whose certificate comes from a CA over HTTPS.
// It signs any well-formed CSR with the given issuer for one fixed SPIFFE ID, and serves TLS with
// a certificate for 127.0.0.1 that it signs itself with the same issuer. No token check.

import (
	"crypto"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"encoding/pem"
	"flag"
	"fmt"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"os"
	"time"
)

func ca(args []string) {
	fs := flag.NewFlagSet("ca", flag.ExitOnError)
	addr := fs.String("addr", "127.0.0.1:0", "listen address (HTTPS)")
	issuerCert := fs.String("issuer-cert", "", "PEM: the issuing (intermediate) certificate")
	issuerKey := fs.String("issuer-key", "", "PEM: its PKCS#8 key")
	bundle := fs.String("bundle", "", "PEM: the root(s) returned as the trust bundle")
	spiffe := fs.String("spiffe-id", "", "the identity every certificate gets")
	fs.Parse(args)

	issuer := readCertificate(*issuerCert)
	keyPEM, err := os.ReadFile(*issuerKey)
	check(err, "issuer key")
	block, _ := pem.Decode(keyPEM)
	if block == nil {
		fail("issuer key: no PEM")
	}
	parsed, err := x509.ParsePKCS8PrivateKey(block.Bytes)
	check(err, "issuer key")
	signer := parsed.(crypto.Signer)
	roots, err := os.ReadFile(*bundle)
	check(err, "bundle")
	id, err := url.Parse(*spiffe)
	check(err, "spiffe-id")

	serverKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	check(err, "server key")
	serverDER, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
		SerialNumber: serial(), NotBefore: time.Now().Add(-time.Minute),
		NotAfter: time.Now().Add(24 * time.Hour), KeyUsage: x509.KeyUsageDigitalSignature,
		ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IPAddresses: []net.IP{net.IPv4(127, 0, 0, 1)},
	}, issuer, &serverKey.PublicKey, signer)
	check(err, "server certificate")

	http.HandleFunc("/v1/certificates", func(w http.ResponseWriter, r *http.Request) {
		var request struct{ Csr string }
		if r.Method != http.MethodPost || json.NewDecoder(r.Body).Decode(&request) != nil {
			http.Error(w, `{"message":"bad request"}`, http.StatusBadRequest)
			return
		}
		block, _ := pem.Decode([]byte(request.Csr))
		if block == nil {
			http.Error(w, `{"message":"no CSR"}`, http.StatusBadRequest)
			return
		}
		csr, err := x509.ParseCertificateRequest(block.Bytes)
		if err != nil || csr.CheckSignature() != nil {
			http.Error(w, `{"message":"bad CSR"}`, http.StatusBadRequest)
			return
		}
		notAfter := time.Now().Add(time.Hour).UTC().Truncate(time.Second)
		leaf, err := x509.CreateCertificate(rand.Reader, &x509.Certificate{
			SerialNumber: serial(), NotBefore: time.Now().Add(-time.Minute), NotAfter: notAfter,
			KeyUsage:              x509.KeyUsageDigitalSignature,
			ExtKeyUsage:           []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth, x509.ExtKeyUsageClientAuth},
			BasicConstraintsValid: true, URIs: []*url.URL{id},
		}, issuer, csr.PublicKey, signer)
		if err != nil {
			http.Error(w, `{"message":"signing failed"}`, http.StatusInternalServerError)
			return
		}
		w.Header().Set("Content-Type", "application/json")
		json.NewEncoder(w).Encode(map[string]string{
			"certificateChain": string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: leaf})) +
				string(pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: issuer.Raw})),
			"trustBundle": string(roots),
			"spiffeId":    *spiffe,
			"notAfter":    notAfter.Format(time.RFC3339),
		})
	})
	ln, err := net.Listen("tcp", *addr)
	check(err, "listen")
	fmt.Println("listening", ln.Addr())
	server := &http.Server{TLSConfig: &tls.Config{Certificates: []tls.Certificate{{
		Certificate: [][]byte{serverDER, issuer.Raw}, PrivateKey: serverKey}}}}
	check(server.ServeTLS(ln, "", ""), "serve")
}

func readCertificate(path string) *x509.Certificate {
	data, err := os.ReadFile(path)
	check(err, path)
	block, _ := pem.Decode(data)
	if block == nil {
		fail(path + ": no PEM")
	}
	certificate, err := x509.ParseCertificate(block.Bytes)
	check(err, path)
	return certificate
}

func serial() *big.Int {
	n, err := rand.Int(rand.Reader, new(big.Int).Lsh(big.NewInt(1), 127))
	check(err, "serial")
	return n
}
