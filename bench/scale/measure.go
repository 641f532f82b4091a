package main

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"math"
	"net/http"
	"os"
	"os/exec"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// percentile of sorted durations (nearest rank).
func percentile(sorted []time.Duration, p float64) time.Duration {
	if len(sorted) == 0 {
		return 0
	}
	rank := int(math.Ceil(p/100*float64(len(sorted)))) - 1
	return sorted[max(0, min(rank, len(sorted)-1))]
}

func sortDurations(d []time.Duration) []time.Duration {
	sort.Slice(d, func(i, j int) bool { return d[i] < d[j] })
	return d
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// parallel runs f(0..n-1) on `workers` goroutines; the first error wins.
func parallel(ctx context.Context, n, workers int, f func(i int) error) error {
	var wg sync.WaitGroup
	var once sync.Once
	var first error
	next := make(chan int)
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for i := range next {
				if err := f(i); err != nil {
					once.Do(func() { first = err })
				}
			}
		}()
	}
	for i := 0; i < n && ctx.Err() == nil; i++ {
		next <- i
	}
	close(next)
	wg.Wait()
	return first
}

// processMemory reads the operator's RSS (VmRSS) and CPU time (utime+stime) from /proc.
func processRSS(pid int) (mib float64, err error) {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(data), "\n") {
		if strings.HasPrefix(line, "VmRSS:") {
			kb, _ := strconv.ParseFloat(strings.Fields(line)[1], 64)
			return kb / 1024, nil
		}
	}
	return 0, fmt.Errorf("no VmRSS for %d", pid)
}

func processCPU(pid int) time.Duration {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	fields := strings.Fields(string(data)[strings.LastIndexByte(string(data), ')')+2:])
	utime, _ := strconv.ParseInt(fields[11], 10, 64)
	stime, _ := strconv.ParseInt(fields[12], 10, 64)
	return time.Duration(utime+stime) * 10 * time.Millisecond // USER_HZ = 100
}

var heapUsed = regexp.MustCompile(`(?m)^\s*(DefNew|Tenured|def new generation|tenured generation)\s+total \d+K, used (\d+)K`)

// heapAfterGC forces a full collection in the operator (jcmd GC.run) and sums the used young
// and old generations of its Serial GC heap, in MiB.
func heapAfterGC(jcmd string, pid int) (float64, error) {
	if out, err := exec.Command(jcmd, strconv.Itoa(pid), "GC.run").CombinedOutput(); err != nil {
		return 0, fmt.Errorf("jcmd GC.run: %v: %s", err, out)
	}
	out, err := exec.Command(jcmd, strconv.Itoa(pid), "GC.heap_info").CombinedOutput()
	if err != nil {
		return 0, fmt.Errorf("jcmd GC.heap_info: %v: %s", err, out)
	}
	total := 0.0
	for _, m := range heapUsed.FindAllStringSubmatch(string(out), -1) {
		kb, _ := strconv.ParseFloat(m[2], 64)
		total += kb
	}
	if total == 0 {
		return 0, fmt.Errorf("no heap figures in: %s", out)
	}
	return total / 1024, nil
}

// classHistogram writes the operator's live objects by class (jcmd GC.class_histogram: another
// full GC), the largest first, to path: what the heap per pod is made of.
func classHistogram(jcmd string, pid int, path string, top int) error {
	out, err := exec.Command(jcmd, strconv.Itoa(pid), "GC.class_histogram").CombinedOutput()
	if err != nil {
		return fmt.Errorf("jcmd GC.class_histogram: %v: %s", err, out)
	}
	lines := strings.SplitN(string(out), "\n", top+4)
	return os.WriteFile(path, []byte(strings.Join(lines[:min(len(lines), top+3)], "\n")+"\n"), 0o644)
}

// histogram is a Prometheus histogram summed over label sets: upper bound -> cumulative count.
type histogram map[float64]float64

var bucketLine = regexp.MustCompile(`^(\w+)_bucket\{(.*)\} ([0-9.eE+-]+)$`)
var leLabel = regexp.MustCompile(`le="([^"]+)"`)

// histogramFrom reads the buckets of `name` from Prometheus text, for series whose labels contain
// `filter`.
func histogramFrom(text, name, filter string) histogram {
	h := histogram{}
	for _, line := range strings.Split(text, "\n") {
		m := bucketLine.FindStringSubmatch(line)
		if m == nil || m[1] != name || !strings.Contains(m[2], filter) {
			continue
		}
		le := leLabel.FindStringSubmatch(m[2])
		if le == nil {
			continue
		}
		bound := math.Inf(1)
		if le[1] != "+Inf" {
			bound, _ = strconv.ParseFloat(le[1], 64)
		}
		v, _ := strconv.ParseFloat(m[3], 64)
		h[bound] += v
	}
	return h
}

func (h histogram) minus(o histogram) histogram {
	d := histogram{}
	for k, v := range h {
		d[k] = v - o[k]
	}
	return d
}

// quantile is the upper bound of the bucket holding quantile q: "at most this".
func (h histogram) quantile(q float64) (float64, float64) {
	bounds := make([]float64, 0, len(h))
	for k := range h {
		bounds = append(bounds, k)
	}
	sort.Float64s(bounds)
	if len(bounds) == 0 {
		return math.NaN(), 0
	}
	total := h[bounds[len(bounds)-1]]
	for _, b := range bounds {
		if h[b] >= q*total {
			return b, total
		}
	}
	return math.Inf(1), total
}

func scrape(url string) (string, error) {
	resp, err := http.Get(url)
	if err != nil {
		return "", err
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(resp.Body)
	return string(data), err
}

// gauge reads the first sample of an unlabelled (or any-labelled) metric.
func gauge(text, name string) float64 {
	for _, line := range strings.Split(text, "\n") {
		if strings.HasPrefix(line, name+" ") || strings.HasPrefix(line, name+"{") {
			fields := strings.Fields(line)
			v, _ := strconv.ParseFloat(fields[len(fields)-1], 64)
			return v
		}
	}
	return math.NaN()
}

// auditLog counts the API requests the operator made: the API server's audit policy logs only
// its ServiceAccount's requests, one line per completed request.
type auditLog struct {
	path   string
	offset int64
}

var auditKey = regexp.MustCompile(`"verb":"([a-z]+)".*?"objectRef":\{"resource":"([a-z]+)"`)

// since counts the lines written after the last call, and by verb and resource.
func (a *auditLog) since() (int, map[string]int) {
	by := map[string]int{}
	f, err := os.Open(a.path)
	if err != nil {
		return 0, by
	}
	defer f.Close()
	if _, err := f.Seek(a.offset, io.SeekStart); err != nil {
		return 0, by
	}
	reader := bufio.NewReaderSize(f, 1<<20)
	n := 0
	for {
		line, err := reader.ReadString('\n')
		if err != nil {
			break // a partial last line is read next time
		}
		a.offset += int64(len(line))
		n++
		if m := auditKey.FindStringSubmatch(line); m != nil {
			by[m[1]+" "+m[2]]++
		} else {
			by["other"]++
		}
	}
	return n, by
}

func topCounts(by map[string]int, n int) string {
	type kv struct {
		k string
		v int
	}
	var list []kv
	for k, v := range by {
		list = append(list, kv{k, v})
	}
	sort.Slice(list, func(i, j int) bool { return list[i].v > list[j].v })
	var parts []string
	for i := 0; i < len(list) && i < n; i++ {
		parts = append(parts, fmt.Sprintf("%s=%d", list[i].k, list[i].v))
	}
	return strings.Join(parts, " ")
}

func writeCSV(path string, header string, rows []string) error {
	return os.WriteFile(path, []byte(header+"\n"+strings.Join(rows, "\n")+"\n"), 0o644)
}
