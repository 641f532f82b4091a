package main

import (
	"context"
	"fmt"
	"net/http"
)

// The simulated cluster: namespaces ns-000.. (labelled for injection), four apps per namespace
// (each its own ServiceAccount), pods spread round-robin over the apps and over the kwok nodes,
// and policies of the kinds docs/policy.md describes, varied by the namespace's index.

const apps = 4

func nsName(i int) string       { return fmt.Sprintf("ns-%03d", i) }
func nodeName(i int) string     { return fmt.Sprintf("kwok-node-%03d", i) }
func appName(i int) string      { return fmt.Sprintf("app-%d", i) }
func podIndexName(i int) string { return fmt.Sprintf("p-%05d", i) }

// podPlacement is where pod i lives.
func podPlacement(i, namespaces, nodes int) (namespace, app, node string) {
	return nsName(i % namespaces), appName((i / namespaces) % apps), nodeName(i % nodes)
}

// nodeObject is a kwok-managed node (annotation kwok.x-k8s.io/node=fake) with a /27 of
// 198.18.128.0/18 for its pods' addresses (data in etcd only: nothing is routed).
func nodeObject(i int) map[string]any {
	capacity := map[string]string{"cpu": "32", "memory": "256Gi", "pods": "110"}
	return map[string]any{
		"apiVersion": "v1", "kind": "Node",
		"metadata": map[string]any{
			"name":        nodeName(i),
			"annotations": map[string]string{"kwok.x-k8s.io/node": "fake", "node.alpha.kubernetes.io/ttl": "0"},
			"labels": map[string]string{"type": "kwok", "kubernetes.io/hostname": nodeName(i),
				"kubernetes.io/os": "linux", "kubernetes.io/arch": "amd64"},
		},
		"spec":   map[string]any{"podCIDR": fmt.Sprintf("198.18.%d.%d/27", 128+i/8, (i%8)*32)},
		"status": map[string]any{"capacity": capacity, "allocatable": capacity},
	}
}

func podObject(i, namespaces, nodes int) (string, map[string]any) {
	namespace, app, node := podPlacement(i, namespaces, nodes)
	return namespace, map[string]any{
		"apiVersion": "v1", "kind": "Pod",
		"metadata": map[string]any{
			"name":   podIndexName(i),
			"labels": map[string]string{"app": app, "tier": []string{"front", "back", "back", "data"}[(i/namespaces)%apps]},
		},
		"spec": map[string]any{
			"nodeName":           node,
			"serviceAccountName": app,
			"containers": []map[string]any{{
				"name": "app", "image": "bench.local/app:1",
				"ports": []map[string]any{{"containerPort": 8080}, {"containerPort": 9090}},
			}},
		},
	}
}

// namespaceWidePorts is what the fan-out test toggles on a namespace-wide MeshPolicy. The extra
// port's mode, DISABLE, differs from every namespace's default mode (STRICT, or the mesh-wide
// STRICT or PERMISSIVE), so each toggle changes every sidecar's configuration. (With PERMISSIVE
// it changed nothing in odd namespaces once the mesh-wide default was PERMISSIVE: the operator
// rightly sent no new version.)
func namespaceWidePorts(extra bool) []map[string]any {
	ports := []map[string]any{{"port": 9090, "mode": "PERMISSIVE"}}
	if extra {
		ports = append(ports, map[string]any{"port": 9443, "mode": "DISABLE"})
	}
	return ports
}

// ensureFixtures creates namespaces, ServiceAccounts, policies and nodes (idempotent).
func ensureFixtures(ctx context.Context, k *kubeClient, operatorNamespace string, namespaces, nodes int) error {
	meshPolicies := "/apis/palisade.dev/v1alpha1/namespaces/%s/meshpolicies"
	accessPolicies := "/apis/palisade.dev/v1alpha1/namespaces/%s/accesspolicies"
	// The mesh-wide default: STRICT. The mesh-wide fan-out flips it to PERMISSIVE and back.
	if err := k.createOrExists(ctx, fmt.Sprintf(meshPolicies, operatorNamespace), map[string]any{
		"apiVersion": "palisade.dev/v1alpha1", "kind": "MeshPolicy",
		"metadata": map[string]any{"name": "mesh-default"},
		"spec":     map[string]any{"mode": "STRICT"},
	}); err != nil {
		return fmt.Errorf("mesh-wide MeshPolicy: %w", err)
	}
	err := parallel(ctx, namespaces, 16, func(i int) error {
		ns := nsName(i)
		if err := k.createOrExists(ctx, "/api/v1/namespaces", map[string]any{
			"apiVersion": "v1", "kind": "Namespace",
			"metadata": map[string]any{"name": ns, "labels": map[string]string{"palisade.dev/inject": "enabled", "bench": "scale"}},
		}); err != nil {
			return err
		}
		for a := 0; a < apps; a++ {
			if err := k.createOrExists(ctx, "/api/v1/namespaces/"+ns+"/serviceaccounts", map[string]any{
				"apiVersion": "v1", "kind": "ServiceAccount", "metadata": map[string]any{"name": appName(a)},
			}); err != nil {
				return err
			}
		}
		// Namespace-wide: even namespaces set a mode (so the mesh default does not reach them),
		// odd ones only a port (so it does).
		nsSpec := map[string]any{"ports": namespaceWidePorts(false)}
		if i%2 == 0 {
			nsSpec["mode"] = "STRICT"
		}
		objects := []struct {
			path   string
			object map[string]any
		}{
			{meshPolicies, policy("MeshPolicy", "ns-default", nsSpec)},
			{accessPolicies, policy("AccessPolicy", "deny-guests", map[string]any{
				"action": "DENY", "rules": []map[string]any{{"namespaces": []string{"guest", "sandbox"}}}})},
			{accessPolicies, policy("AccessPolicy", "app-1-callers", map[string]any{
				"selector": map[string]any{"matchLabels": map[string]string{"app": "app-1"}},
				"action":   "ALLOW",
				"rules": []map[string]any{
					{"serviceAccounts": []string{"app-0", ns + "/app-2"}, "ports": []int{8080}},
					{"namespaces": []string{"monitoring"}, "ports": []int{9090}},
					{"identities": []string{fmt.Sprintf("spiffe://cluster.local/ns/%s/sa/*", nsName((i+1)%namespaces))}},
				}})},
		}
		if i%3 == 0 { // a ports-only workload policy: defers its other ports to the namespace
			objects = append(objects, struct {
				path   string
				object map[string]any
			}{meshPolicies, policy("MeshPolicy", "app-0-ports", map[string]any{
				"selector": map[string]any{"matchLabels": map[string]string{"app": "app-0"}},
				"ports":    []map[string]any{{"port": 8081, "mode": "DISABLE"}}})})
		}
		if i%5 == 0 {
			objects = append(objects, struct {
				path   string
				object map[string]any
			}{accessPolicies, policy("AccessPolicy", "audit-data", map[string]any{
				"selector": map[string]any{"matchExpressions": []map[string]any{{"key": "tier", "operator": "In", "values": []string{"data"}}}},
				"action":   "AUDIT", "rules": []map[string]any{{"identities": []string{"*"}}}})})
		}
		for _, o := range objects {
			if err := k.createOrExists(ctx, fmt.Sprintf(o.path, ns), o.object); err != nil {
				return fmt.Errorf("%s in %s: %w", o.object["metadata"].(map[string]any)["name"], ns, err)
			}
		}
		return nil
	})
	if err != nil {
		return err
	}
	return parallel(ctx, nodes, 16, func(i int) error {
		return k.createOrExists(ctx, "/api/v1/nodes", nodeObject(i))
	})
}

func policy(kind, name string, spec map[string]any) map[string]any {
	return map[string]any{"apiVersion": "palisade.dev/v1alpha1", "kind": kind,
		"metadata": map[string]any{"name": name}, "spec": spec}
}

// patchMeshPolicy merge-patches a MeshPolicy's spec.
func patchMeshPolicy(ctx context.Context, k *kubeClient, namespace, name string, spec map[string]any) error {
	return k.do(ctx, http.MethodPatch, fmt.Sprintf("/apis/palisade.dev/v1alpha1/namespaces/%s/meshpolicies/%s", namespace, name),
		"application/merge-patch+json", map[string]any{"spec": spec}, nil)
}
