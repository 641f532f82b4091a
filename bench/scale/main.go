// Command scale drives hack/bench-scale.sh: for each step (cumulative pod counts, e.g.
// 1000,5000,10000) it creates the step's pods through the API server (and so the real injection
// webhook), starts one simulated sidecar per pod (a bound token from the TokenRequest API, a
// fresh P-256 key and CSR to POST /v1/certificates, then the /v1/config long-poll over mTLS with
// the issued certificate), and measures the operator: memory, API requests it makes, webhook
// latency, policy fan-out and a mass restart. Results go to CSV files in -out.
package main

import (
	"context"
	"crypto/x509"
	"flag"
	"fmt"
	"log"
	"math"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

type options struct {
	apiserver, ca, cert, key    string
	operatorURL, serverName     string
	operatorAdmin               string
	operatorPID                 int
	operatorNamespace           string
	jcmd, auditLog, out         string
	histogramDir                string
	steps                       []int
	namespaces, nodes           int
	createWorkers, startWorkers int
	fanoutChanges               int
	restartDeadline, idleWindow time.Duration
}

func main() {
	var o options
	var steps string
	flag.StringVar(&o.apiserver, "apiserver", "https://127.0.0.1:26443", "API server URL")
	flag.StringVar(&o.ca, "ca", "", "API server CA file")
	flag.StringVar(&o.cert, "cert", "", "admin client certificate")
	flag.StringVar(&o.key, "key", "", "admin client key")
	flag.StringVar(&o.operatorURL, "operator", "https://127.0.0.1:28443", "operator HTTPS URL")
	flag.StringVar(&o.serverName, "server-name", "localhost", "name to verify the operator by")
	flag.StringVar(&o.operatorAdmin, "operator-admin", "http://127.0.0.1:29090", "operator admin URL")
	flag.IntVar(&o.operatorPID, "operator-pid", 0, "the operator JVM's pid")
	flag.StringVar(&o.operatorNamespace, "operator-namespace", "palisade-system", "")
	flag.StringVar(&o.jcmd, "jcmd", "jcmd", "jcmd of the operator's JDK")
	flag.StringVar(&o.auditLog, "audit-log", "", "the API server's audit log (operator requests only)")
	flag.StringVar(&o.out, "out", ".", "directory for the CSV files")
	flag.StringVar(&o.histogramDir, "class-histograms", "", "directory for the operator's class histogram at rest, per step (none if empty)")
	flag.StringVar(&steps, "steps", "1000,5000,10000", "cumulative pod counts to measure at")
	flag.IntVar(&o.namespaces, "namespaces", 200, "")
	flag.IntVar(&o.nodes, "nodes", 500, "")
	flag.IntVar(&o.createWorkers, "create-workers", 32, "concurrent pod creations (the burst)")
	flag.IntVar(&o.startWorkers, "start-workers", 48, "concurrent sidecar starts while ramping")
	flag.IntVar(&o.fanoutChanges, "fanout-changes", 10, "namespace MeshPolicy changes per step")
	flag.DurationVar(&o.restartDeadline, "restart-deadline", 5*time.Minute, "a sidecar not certified by then gave up")
	flag.DurationVar(&o.idleWindow, "idle-window", 30*time.Second, "quiet window for the idle API rate")
	flag.Parse()
	for _, s := range strings.Split(steps, ",") {
		n, err := strconv.Atoi(strings.TrimSpace(s))
		if err != nil {
			log.Fatalf("-steps: %v", err)
		}
		o.steps = append(o.steps, n)
	}
	if err := run(o); err != nil {
		log.Fatal(err)
	}
}

type bench struct {
	o        options
	k        *kubeClient
	target   *operatorTarget
	counters sidecarCounters
	audit    *auditLog
	sidecars []*sidecar

	// fan-out bookkeeping: the change being timed and the receipts of its affected sidecars.
	mu         sync.Mutex
	changeAt   time.Time
	changeWant map[*sidecar]bool
	receipts   []time.Duration
	allDone    chan struct{}
	// the state of the policies the fan-out toggles
	nsExtra        map[string]bool
	meshPermissive bool
}

func run(o options) error {
	ctx := context.Background()
	k, err := newKubeClient(o.apiserver, o.ca, o.cert, o.key)
	if err != nil {
		return err
	}
	b := &bench{o: o, k: k, audit: &auditLog{path: o.auditLog}, nsExtra: map[string]bool{}}
	log.Printf("fixtures: %d namespaces with policies, %d kwok nodes", o.namespaces, o.nodes)
	if err := ensureFixtures(ctx, k, o.operatorNamespace, o.namespaces, o.nodes); err != nil {
		return err
	}
	if b.target, err = b.operatorTarget(ctx); err != nil {
		return err
	}
	summary := []string{}
	header := "pods,rss_mib,heap_after_gc_mib,long_polls,api_rps_ramp,api_rps_idle,create_refused,create_p50_ms,create_p99_ms,create_max_ms," +
		"webhook_op_p50_le_ms,webhook_op_p99_le_ms,webhook_apiserver_p99_le_ms,ramp_s," +
		"fanout_ns_affected,fanout_ns_p50_ms,fanout_ns_p99_ms,fanout_ns_max_ms," +
		"fanout_mesh_affected,fanout_mesh_p50_ms,fanout_mesh_p99_ms,fanout_mesh_max_ms,fanout_mesh_operator_cpu_ms," +
		"restart_certified,restart_all_certified_s,restart_p50_s,restart_p99_s,restart_429,restart_503,restart_neterr,restart_gave_up,restart_all_config_s"
	for _, target := range o.steps {
		row, err := b.step(ctx, target)
		if err != nil {
			return fmt.Errorf("step %d: %w", target, err)
		}
		summary = append(summary, row)
		if err := writeCSV(filepath.Join(o.out, "steps.csv"), header, summary); err != nil {
			return err
		}
	}
	return nil
}

// operatorTarget waits for the trust bundle the operator publishes into labelled namespaces.
func (b *bench) operatorTarget(ctx context.Context) (*operatorTarget, error) {
	deadline := time.Now().Add(2 * time.Minute)
	for {
		var cm struct {
			Data map[string]string `json:"data"`
		}
		err := b.k.do(ctx, http.MethodGet, "/api/v1/namespaces/"+nsName(0)+"/configmaps/palisade-trust-bundle", "", nil, &cm)
		if err == nil && cm.Data["ca.crt"] != "" {
			pool := x509.NewCertPool()
			pool.AppendCertsFromPEM([]byte(cm.Data["ca.crt"]))
			return &operatorTarget{base: b.o.operatorURL, serverName: b.o.serverName, roots: pool}, nil
		}
		if time.Now().After(deadline) {
			return nil, fmt.Errorf("no trust bundle ConfigMap in %s after 2 minutes: %v", nsName(0), err)
		}
		time.Sleep(time.Second)
	}
}

func (b *bench) step(ctx context.Context, target int) (string, error) {
	from := len(b.sidecars)
	if target > 200 {
		waitIdleMachine()
	}
	log.Printf("=== step: pods %d -> %d", from, target)
	b.audit.since() // discard what came before the ramp
	rampStart := time.Now()

	// 1. The burst: create this step's pods through the webhook.
	opBefore, _ := scrape(b.o.operatorAdmin + "/metrics")
	apiBefore, _ := b.k.raw(ctx, "/metrics")
	created := make([]*sidecar, target-from)
	samples := &durations{}
	var notInjected, refused atomic.Int64
	err := parallel(ctx, target-from, b.o.createWorkers, func(j int) error {
		i := from + j
		namespace, pod := podObject(i, b.o.namespaces, b.o.nodes)
		var answer podAnswer
		var err error
		// A refusal (the webhook timed out: failurePolicy Fail) is retried after a second, as a
		// controller would; each attempt's round trip is a sample.
		for attempt := 0; attempt < 5; attempt++ {
			start := time.Now()
			err = b.k.do(ctx, http.MethodPost, "/api/v1/namespaces/"+namespace+"/pods", "", pod, &answer)
			samples.add(time.Since(start))
			if attempt > 0 && isStatus(err, http.StatusConflict) { // created after all
				err = b.k.do(ctx, http.MethodGet, "/api/v1/namespaces/"+namespace+"/pods/"+podIndexName(i), "", nil, &answer)
			}
			if err == nil || !isStatus(err, http.StatusInternalServerError) {
				break
			}
			refused.Add(1)
			if refused.Load() <= 3 {
				log.Printf("pod %d refused: %v", i, err)
			}
			time.Sleep(time.Second)
		}
		if err != nil {
			return fmt.Errorf("creating pod %d: %w", i, err)
		}
		if answer.Metadata.Labels["palisade.dev/proxy"] != "injected" {
			notInjected.Add(1)
		}
		_, app, _ := podPlacement(i, b.o.namespaces, b.o.nodes)
		created[j] = &sidecar{namespace: namespace, pod: answer.Metadata.Name, serviceAccount: app, uid: answer.Metadata.UID,
			source: sourceAddress(i)}
		return nil
	})
	if err != nil {
		return "", err
	}
	createElapsed := time.Since(rampStart)
	if notInjected.Load() > 0 {
		return "", fmt.Errorf("%d pods came back without the proxy", notInjected.Load())
	}
	opAfter, _ := scrape(b.o.operatorAdmin + "/metrics")
	apiAfter, _ := b.k.raw(ctx, "/metrics")
	latencies := samples.list
	sorted := sortDurations(append([]time.Duration(nil), latencies...))
	webhookOp := histogramFrom(opAfter, "palisade_webhook_duration_seconds", "").minus(histogramFrom(opBefore, "palisade_webhook_duration_seconds", ""))
	op50, _ := webhookOp.quantile(0.5)
	op99, reviews := webhookOp.quantile(0.99)
	webhookAPI := histogramFrom(apiAfter, "apiserver_admission_webhook_admission_duration_seconds", `name="namespaces.inject.palisade.dev"`).
		minus(histogramFrom(apiBefore, "apiserver_admission_webhook_admission_duration_seconds", `name="namespaces.inject.palisade.dev"`))
	api99, _ := webhookAPI.quantile(0.99)
	log.Printf("created %d pods in %.1f s (%d workers; %d attempts refused by the API server because the webhook did not answer in time): round trip p50 %.1f ms, p99 %.1f ms, max %.1f ms; operator reviews %.0f: p50 <= %.0f ms, p99 <= %.0f ms; API server's webhook call p99 <= %.0f ms",
		len(created), createElapsed.Seconds(), b.o.createWorkers, refused.Load(), ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(sorted[len(sorted)-1]),
		reviews, op50*1000, op99*1000, api99*1000)
	rows := make([]string, len(latencies))
	for j, l := range latencies {
		rows[j] = fmt.Sprintf("%d,%.2f", j, ms(l))
	}
	if err := writeCSV(filepath.Join(b.o.out, fmt.Sprintf("create-%d.csv", target)), "attempt,create_ms", rows); err != nil {
		return "", err
	}

	// 2. The sidecars start: token, CSR, certificate, first configuration, held long-poll.
	var failed atomic.Int64
	err = parallel(ctx, len(created), b.o.startWorkers, func(j int) error {
		s := created[j]
		token, err := b.k.tokenRequest(ctx, s.namespace, s.serviceAccount, s.pod, s.uid)
		if err != nil {
			return fmt.Errorf("token for %s/%s: %w", s.namespace, s.pod, err)
		}
		s.token = token
		cctx, cancel := context.WithTimeout(ctx, b.o.restartDeadline)
		defer cancel()
		if _, err := s.certify(cctx, b.target, &b.counters); err != nil {
			failed.Add(1)
			log.Printf("sidecar %s/%s: %v", s.namespace, s.pod, err)
			return nil
		}
		s.onVersion = b.received
		s.startPolling(b.target, &b.counters)
		return nil
	})
	if err != nil {
		return "", err
	}
	if failed.Load() > 0 {
		return "", fmt.Errorf("%d sidecars got no certificate", failed.Load())
	}
	b.sidecars = append(b.sidecars, created...)
	if err := b.waitHolding(5 * time.Minute); err != nil {
		return "", err
	}
	rampElapsed := time.Since(rampStart)
	rampRequests, rampBy := b.audit.since()
	log.Printf("%d sidecars certified and holding long-polls, %.1f s after the step began; operator API requests meanwhile: %d (%.1f/s): %s",
		len(b.sidecars), rampElapsed.Seconds(), rampRequests, float64(rampRequests)/rampElapsed.Seconds(), topCounts(rampBy, 6))

	// 3. At rest: memory, and the API requests the operator makes with nothing happening.
	time.Sleep(b.o.idleWindow)
	idleRequests, idleBy := b.audit.since()
	idleRate := float64(idleRequests) / b.o.idleWindow.Seconds()
	metrics, _ := scrape(b.o.operatorAdmin + "/metrics")
	longPolls := gauge(metrics, "palisade_config_long_polls")
	rss, _ := processRSS(b.o.operatorPID)
	heap, err := heapAfterGC(b.o.jcmd, b.o.operatorPID)
	if err != nil {
		log.Printf("heap: %v", err)
		heap = math.NaN()
	}
	rssAfter, _ := processRSS(b.o.operatorPID)
	if b.o.histogramDir != "" {
		if err := classHistogram(b.o.jcmd, b.o.operatorPID, filepath.Join(b.o.histogramDir, fmt.Sprintf("class-histogram-%d.txt", target)), 40); err != nil {
			log.Printf("class histogram: %v", err)
		}
	}
	log.Printf("at rest: RSS %.0f MiB (%.0f after a full GC), heap after GC %.1f MiB, long-polls held %.0f; operator API requests %.2f/s over %s: %s",
		rss, rssAfter, heap, longPolls, idleRate, b.o.idleWindow, topCounts(idleBy, 6))
	b.audit.since()

	// 4. Fan-out: namespace-wide MeshPolicy changes, then a mesh-wide one.
	var nsLatencies []time.Duration
	nsAffected := 0
	var fanRows []string
	for c := 0; c < b.o.fanoutChanges; c++ {
		namespace := nsName((c * 7) % b.o.namespaces)
		want := b.select_(func(s *sidecar) bool { return s.namespace == namespace })
		b.nsExtra[namespace] = !b.nsExtra[namespace]
		spec := map[string]any{"ports": namespaceWidePorts(b.nsExtra[namespace])}
		lat, missing, _ := b.timeChange(ctx, want, 30*time.Second, func() error {
			return patchMeshPolicy(ctx, b.k, namespace, "ns-default", spec)
		})
		if missing > 0 {
			log.Printf("fan-out %s: %d of %d sidecars did not get a new version within 30 s", namespace, missing, len(want))
		}
		nsAffected += len(want)
		for _, l := range lat {
			fanRows = append(fanRows, fmt.Sprintf("namespace,%.2f", ms(l)))
		}
		nsLatencies = append(nsLatencies, lat...)
		time.Sleep(2 * time.Second)
	}
	nsSorted := sortDurations(nsLatencies)
	log.Printf("fan-out, %d namespace-wide MeshPolicy changes (%d sidecars affected in all): p50 %.0f ms, p99 %.0f ms, max %.0f ms",
		b.o.fanoutChanges, nsAffected, ms(percentile(nsSorted, 50)), ms(percentile(nsSorted, 99)), ms(percentile(nsSorted, 100)))

	// The mesh-wide default flips STRICT <-> PERMISSIVE: it reaches the odd namespaces, whose
	// namespace-wide policies set only ports.
	wantMesh := b.select_(func(s *sidecar) bool {
		var i int
		fmt.Sscanf(s.namespace, "ns-%d", &i)
		return i%2 == 1
	})
	b.meshPermissive = !b.meshPermissive
	mode := map[bool]string{true: "PERMISSIVE", false: "STRICT"}[b.meshPermissive]
	cpuBefore := processCPU(b.o.operatorPID)
	meshLat, meshMissing, meshElapsed := b.timeChange(ctx, wantMesh, 60*time.Second, func() error {
		return patchMeshPolicy(ctx, b.k, b.o.operatorNamespace, "mesh-default", map[string]any{"mode": mode})
	})
	meshCPU := processCPU(b.o.operatorPID) - cpuBefore
	if meshMissing > 0 {
		log.Printf("mesh-wide fan-out: %d of %d sidecars did not get a new version within 60 s", meshMissing, len(wantMesh))
	}
	meshSorted := sortDurations(meshLat)
	for _, l := range meshLat {
		fanRows = append(fanRows, fmt.Sprintf("mesh,%.2f", ms(l)))
	}
	log.Printf("fan-out, mesh-wide MeshPolicy -> %s (%d sidecars affected): p50 %.0f ms, p99 %.0f ms, max %.0f ms; operator CPU %.0f ms over %.1f s",
		mode, len(wantMesh), ms(percentile(meshSorted, 50)), ms(percentile(meshSorted, 99)), ms(percentile(meshSorted, 100)), ms(meshCPU), meshElapsed.Seconds())
	if err := writeCSV(filepath.Join(b.o.out, fmt.Sprintf("fanout-%d.csv", target)), "change,latency_ms", fanRows); err != nil {
		return "", err
	}
	time.Sleep(5 * time.Second)

	// 5. Mass restart: every sidecar drops its connection and asks for a new certificate at once.
	if target > 200 {
		waitIdleMachine()
	}
	restart := b.massRestart(ctx)
	if err := writeCSV(filepath.Join(b.o.out, fmt.Sprintf("restart-%d.csv", target)), "sidecar,certified_s,attempts,config_s", restart.rows); err != nil {
		return "", err
	}
	b.audit.since()

	return fmt.Sprintf("%d,%.0f,%.1f,%.0f,%.1f,%.2f,%d,%.1f,%.1f,%.1f,%.0f,%.0f,%.0f,%.1f,%d,%.0f,%.0f,%.0f,%d,%.0f,%.0f,%.0f,%.0f,%d,%.1f,%.1f,%.1f,%d,%d,%d,%d,%.1f",
		target, rss, heap, longPolls, float64(rampRequests)/rampElapsed.Seconds(), idleRate, refused.Load(),
		ms(percentile(sorted, 50)), ms(percentile(sorted, 99)), ms(sorted[len(sorted)-1]),
		op50*1000, op99*1000, api99*1000, rampElapsed.Seconds(),
		nsAffected, ms(percentile(nsSorted, 50)), ms(percentile(nsSorted, 99)), ms(percentile(nsSorted, 100)),
		len(wantMesh), ms(percentile(meshSorted, 50)), ms(percentile(meshSorted, 99)), ms(percentile(meshSorted, 100)), ms(meshCPU),
		restart.certified, restart.allCertified.Seconds(), restart.p50.Seconds(), restart.p99.Seconds(),
		restart.n429, restart.n503, restart.netErr, restart.gaveUp, restart.allConfig.Seconds()), nil
}

func (b *bench) select_(f func(*sidecar) bool) []*sidecar {
	var out []*sidecar
	for _, s := range b.sidecars {
		if f(s) {
			out = append(out, s)
		}
	}
	return out
}

// waitHolding waits until every sidecar holds a configuration and a long-poll on it.
func (b *bench) waitHolding(limit time.Duration) error {
	deadline := time.Now().Add(limit)
	for {
		waiting := 0
		for _, s := range b.sidecars {
			if !s.holding.Load() {
				waiting++
			}
		}
		if waiting == 0 {
			return nil
		}
		if time.Now().After(deadline) {
			return fmt.Errorf("%d of %d sidecars hold no long-poll after %s (poll errors so far: %d)",
				waiting, len(b.sidecars), limit, b.counters.pollErr.Load())
		}
		time.Sleep(200 * time.Millisecond)
	}
}

// received is every sidecar's callback on a new version.
func (b *bench) received(s *sidecar, version string, at time.Time) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if b.changeWant == nil || !b.changeWant[s] {
		return
	}
	delete(b.changeWant, s)
	b.receipts = append(b.receipts, at.Sub(b.changeAt))
	if len(b.changeWant) == 0 {
		close(b.allDone)
	}
}

// timeChange applies a change and times, from just before the API write, each affected
// sidecar's receipt of a new version. Returns the latencies, how many never came, and the time
// until the last.
func (b *bench) timeChange(ctx context.Context, want []*sidecar, limit time.Duration, change func() error) ([]time.Duration, int, time.Duration) {
	b.mu.Lock()
	b.changeWant = map[*sidecar]bool{}
	for _, s := range want {
		b.changeWant[s] = true
	}
	b.receipts = nil
	b.allDone = make(chan struct{})
	b.changeAt = time.Now()
	done := b.allDone
	b.mu.Unlock()
	if err := change(); err != nil {
		log.Printf("change failed: %v", err)
	}
	select {
	case <-done:
	case <-time.After(limit):
	}
	b.mu.Lock()
	defer b.mu.Unlock()
	missing := len(b.changeWant)
	b.changeWant = nil
	lat := b.receipts
	var last time.Duration
	for _, l := range lat {
		last = max(last, l)
	}
	return lat, missing, last
}

type restartResult struct {
	certified                         int
	allCertified, allConfig, p50, p99 time.Duration
	n429, n503, netErr, gaveUp        int64
	rows                              []string
}

// massRestart: every sidecar stops polling (its connection closes), then all at once each makes
// a new key and CSR and POSTs it with its token, retrying as the sidecar does; once certified it
// long-polls again. Times run from the moment all are released.
func (b *bench) massRestart(ctx context.Context) restartResult {
	log.Printf("mass restart of %d sidecars", len(b.sidecars))
	parallel(ctx, len(b.sidecars), 64, func(i int) error { b.sidecars[i].stopPolling(); return nil })
	for _, s := range b.sidecars {
		s.mu.Lock()
		s.version = ""
		s.mu.Unlock()
	}
	time.Sleep(3 * time.Second) // let the operator see the hang-ups
	c429, c503, cNet := b.counters.csr429.Load(), b.counters.csr503.Load(), b.counters.csrNetErr.Load()
	certified := make([]time.Duration, len(b.sidecars))
	attempts := make([]int, len(b.sidecars))
	var gaveUp atomic.Int64
	release := make(chan struct{})
	var wg sync.WaitGroup
	var start time.Time
	for i, s := range b.sidecars {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-release
			cctx, cancel := context.WithTimeout(ctx, b.o.restartDeadline)
			defer cancel()
			n, err := s.certify(cctx, b.target, &b.counters)
			attempts[i] = n
			if err != nil {
				gaveUp.Add(1)
				certified[i] = -1
				return
			}
			certified[i] = time.Since(start)
			s.startPolling(b.target, &b.counters)
		}()
	}
	start = time.Now()
	close(release)
	wg.Wait()
	allCertified := time.Since(start)
	configDeadline := time.Now().Add(3 * time.Minute)
	for time.Now().Before(configDeadline) {
		if b.countHolding() == len(b.sidecars)-int(gaveUp.Load()) {
			break
		}
		time.Sleep(100 * time.Millisecond)
	}
	allConfig := time.Since(start)
	var ok []time.Duration
	rows := make([]string, len(b.sidecars))
	for i, d := range certified {
		if d >= 0 {
			ok = append(ok, d)
		}
		rows[i] = fmt.Sprintf("%d,%.3f,%d,%.3f", i, d.Seconds(), attempts[i], allConfig.Seconds())
	}
	ok = sortDurations(ok)
	r := restartResult{certified: len(ok), allCertified: allCertified, allConfig: allConfig,
		p50: percentile(ok, 50), p99: percentile(ok, 99),
		n429: b.counters.csr429.Load() - c429, n503: b.counters.csr503.Load() - c503,
		netErr: b.counters.csrNetErr.Load() - cNet, gaveUp: gaveUp.Load(), rows: rows}
	totalAttempts := 0
	for _, a := range attempts {
		totalAttempts += a
	}
	log.Printf("mass restart: %d of %d certified, the last after %.1f s (p50 %.1f s, p99 %.1f s); %d requests in all: 429 %d, 503 %d, connection errors %d; gave up %d; all holding a configuration again after %.1f s",
		r.certified, len(b.sidecars), allCertified.Seconds(), r.p50.Seconds(), r.p99.Seconds(), totalAttempts, r.n429, r.n503, r.netErr, r.gaveUp, allConfig.Seconds())
	return r
}

func (b *bench) countHolding() int {
	n := 0
	for _, s := range b.sidecars {
		if s.holding.Load() {
			n++
		}
	}
	return n
}

// durations collects samples from many goroutines.
type durations struct {
	mu   sync.Mutex
	list []time.Duration
}

func (d *durations) add(v time.Duration) {
	d.mu.Lock()
	d.list = append(d.list, v)
	d.mu.Unlock()
}

// waitIdleMachine holds a heavy phase while another session's heavy work runs
// (/tmp/palisade-cpu-busy), for 10 minutes at most.
func waitIdleMachine() {
	for i := 0; i < 20; i++ {
		if _, err := os.Stat("/tmp/palisade-cpu-busy"); err != nil {
			return
		}
		log.Printf("/tmp/palisade-cpu-busy exists: waiting 30 s")
		time.Sleep(30 * time.Second)
	}
}
