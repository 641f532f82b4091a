package main

import (
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"time"
)

// kubeClient talks to the API server as the benchmark's admin (a system:masters certificate):
// it plays the cluster's users and the kubelet's TokenRequest, never the operator.
type kubeClient struct {
	base   string
	client *http.Client
}

func newKubeClient(base, caFile, certFile, keyFile string) (*kubeClient, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, err
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("no certificate in %s", caFile)
	}
	cert, err := tls.LoadX509KeyPair(certFile, keyFile)
	if err != nil {
		return nil, err
	}
	transport := &http.Transport{
		TLSClientConfig:     &tls.Config{RootCAs: pool, Certificates: []tls.Certificate{cert}},
		MaxIdleConnsPerHost: 256,
		ForceAttemptHTTP2:   false,
	}
	return &kubeClient{base: base, client: &http.Client{Transport: transport, Timeout: 60 * time.Second}}, nil
}

// apiError is a non-2xx answer.
type apiError struct {
	status int
	body   string
}

func (e *apiError) Error() string { return fmt.Sprintf("HTTP %d: %s", e.status, e.body) }

func isStatus(err error, status int) bool {
	e, ok := err.(*apiError)
	return ok && e.status == status
}

// do sends body (JSON-encoded unless nil or []byte) and decodes a 2xx answer into out.
func (k *kubeClient) do(ctx context.Context, method, path, contentType string, body any, out any) error {
	var reader io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		reader = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			return err
		}
		reader = bytes.NewReader(data)
	}
	req, err := http.NewRequestWithContext(ctx, method, k.base+path, reader)
	if err != nil {
		return err
	}
	if contentType == "" {
		contentType = "application/json"
	}
	req.Header.Set("Content-Type", contentType)
	req.Header.Set("Accept", "application/json")
	req.Header.Set("User-Agent", "palisade-bench-scale")
	resp, err := k.client.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if err != nil {
		return err
	}
	if resp.StatusCode/100 != 2 {
		return &apiError{status: resp.StatusCode, body: string(data)}
	}
	if out != nil {
		return json.Unmarshal(data, out)
	}
	return nil
}

// createOrExists creates an object, accepting 409 (left by an earlier step).
func (k *kubeClient) createOrExists(ctx context.Context, path string, object any) error {
	err := k.do(ctx, http.MethodPost, path, "", object, nil)
	if isStatus(err, http.StatusConflict) {
		return nil
	}
	return err
}

// raw fetches a text endpoint (the API server's /metrics).
func (k *kubeClient) raw(ctx context.Context, path string) (string, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, k.base+path, nil)
	if err != nil {
		return "", err
	}
	resp, err := k.client.Do(req)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	if resp.StatusCode != http.StatusOK {
		return "", &apiError{status: resp.StatusCode, body: string(data)}
	}
	return string(data), err
}

type objectMeta struct {
	Name      string            `json:"name"`
	Namespace string            `json:"namespace,omitempty"`
	UID       string            `json:"uid,omitempty"`
	Labels    map[string]string `json:"labels,omitempty"`
}

type podAnswer struct {
	Metadata objectMeta `json:"metadata"`
	Spec     struct {
		InitContainers []struct {
			Name string `json:"name"`
		} `json:"initContainers"`
	} `json:"spec"`
}

// tokenRequest mints what the kubelet mounts for the sidecar: a token for audience palisade,
// bound to the pod.
func (k *kubeClient) tokenRequest(ctx context.Context, namespace, serviceAccount, pod, uid string) (string, error) {
	body := map[string]any{
		"apiVersion": "authentication.k8s.io/v1",
		"kind":       "TokenRequest",
		"spec": map[string]any{
			"audiences":         []string{"palisade"},
			"expirationSeconds": 7200,
			"boundObjectRef":    map[string]string{"kind": "Pod", "apiVersion": "v1", "name": pod, "uid": uid},
		},
	}
	var out struct {
		Status struct {
			Token string `json:"token"`
		} `json:"status"`
	}
	path := fmt.Sprintf("/api/v1/namespaces/%s/serviceaccounts/%s/token", namespace, serviceAccount)
	if err := k.do(ctx, http.MethodPost, path, "", body, &out); err != nil {
		return "", err
	}
	return out.Status.Token, nil
}
