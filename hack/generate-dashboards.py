#!/usr/bin/env python3
"""Writes Palisade's Grafana dashboards, charts/palisade/dashboards/*.json, from the panels below.

Edit the panels here, run `python3 hack/generate-dashboards.py`, commit both. MonitoringChartIT runs
`--check` (the committed JSON must be what this writes); PrometheusScrapeIT evaluates every query
against a real Prometheus scraping a real operator and proxies; MetricsReferenceTest checks that
docs/metrics.md names the panels that use each metric. Standard library only.
"""
import json
import sys
from pathlib import Path

OUT = Path(__file__).resolve().parent.parent / "charts" / "palisade" / "dashboards"
DS = {"type": "prometheus", "uid": "${datasource}"}
RATE = "[$__rate_interval]"

# Label selectors. Operator pods: the control-plane dashboard's namespace and pod variables.
OP = 'namespace=~"$namespace", pod=~"$pod"'
# The workload dashboard's pods: the workload variable is a pod name without its generated suffix.
WL = 'namespace=~"$namespace", pod=~"$workload-.*"'


def datasource_variable():
    return {"name": "datasource", "label": "Data source", "type": "datasource",
            "query": "prometheus", "current": {}, "hide": 0, "refresh": 1, "regex": "",
            "includeAll": False, "multi": False}


def query_variable(name, label, query, regex="", multi=True):
    variable = {"name": name, "label": label, "type": "query", "datasource": DS,
                "query": {"query": query, "refId": name}, "definition": query, "current": {},
                "hide": 0, "refresh": 2, "regex": regex, "sort": 1, "includeAll": multi,
                "multi": multi}
    if multi:
        variable["allValue"] = ".*"
    return variable


class Layout:
    """Panels in rows of 24 columns, numbered in order."""

    def __init__(self):
        self.panels = []
        self.x = 0
        self.y = 0
        self.height = 0

    def row(self, title):
        self._newline()
        self._add({"type": "row", "title": title, "collapsed": False, "panels": []}, 24, 1)

    def panel(self, kind, title, description, targets, unit, width=12, height=8, **extra):
        if self.x + width > 24:
            self._newline()
        panel = {"type": kind, "title": title, "description": description, "datasource": DS,
                 "targets": [dict(refId=chr(ord("A") + i), datasource=DS, **t)
                             for i, t in enumerate(targets)],
                 "fieldConfig": {"defaults": {"unit": unit}, "overrides": []}}
        panel.update(OPTIONS[kind])
        panel.update(extra)
        self._add(panel, width, height)

    def _newline(self):
        if self.x:
            self.y += self.height
            self.x = 0
            self.height = 0

    def _add(self, panel, width, height):
        panel = {"id": len(self.panels) + 1, **panel,
                 "gridPos": {"h": height, "w": width, "x": self.x, "y": self.y}}
        self.panels.append(panel)
        self.x += width
        self.height = max(self.height, height)
        if self.x >= 24:
            self._newline()


OPTIONS = {
    "timeseries": {"options": {
        "legend": {"displayMode": "table", "placement": "right", "calcs": ["lastNotNull", "max"]},
        "tooltip": {"mode": "multi", "sort": "desc"}}},
    "stat": {"options": {"reduceOptions": {"calcs": ["lastNotNull"], "fields": "", "values": False},
                         "colorMode": "value", "graphMode": "area", "textMode": "auto"}},
    "table": {"options": {"showHeader": True},
              "transformations": [{"id": "organize", "options": {"excludeByName": {
                  "Time": True, "__name__": True, "job": True, "instance": True}}}]},
}


def q(expr, legend=""):
    return {"expr": expr, "legendFormat": legend}


def instant(expr):
    return {"expr": expr, "legendFormat": "", "instant": True, "format": "table"}


def quantiles(metric, selector, by, legend_suffix, levels=(0.5, 0.99)):
    group = ", ".join(["le"] + list(by))
    series = f"{metric}_bucket{{{selector}}}" if selector else f"{metric}_bucket"
    return [q(f"histogram_quantile({level}, sum by ({group}) (rate({series}{RATE})))",
              f"p{int(level * 100)}{legend_suffix}") for level in levels]


def dashboard(uid, title, description, variables, layout):
    return {"uid": uid, "title": title, "description": description, "tags": ["palisade"],
            "editable": True, "schemaVersion": 39, "version": 1, "graphTooltip": 1,
            "refresh": "30s", "time": {"from": "now-6h", "to": "now"}, "timezone": "",
            "links": [{"title": "Palisade", "type": "dashboards", "tags": ["palisade"],
                       "asDropdown": True}],
            "templating": {"list": [datasource_variable()] + variables},
            "annotations": {"list": []}, "panels": layout.panels}


def mesh_overview():
    mtls = 'direction="inbound", result="success"'
    admitted = 'direction="inbound", result=~"success|plaintext"'
    p = Layout()
    p.row("Coverage")
    p.panel("stat", "mTLS coverage",
            "Share of connections admitted into meshed pods that were mutual TLS with a verified "
            "peer (the rest came in plaintext on PERMISSIVE or DISABLE ports).",
            [q(f"sum(rate(palisade_tls_handshakes_total{{{mtls}}}{RATE})) / "
               f"sum(rate(palisade_tls_handshakes_total{{{admitted}}}{RATE}))")],
            "percentunit", width=5, height=6)
    p.panel("stat", "Post-quantum handshakes",
            "Share of completed mTLS handshakes that negotiated the hybrid post-quantum group "
            "X25519MLKEM768 (proxies prefer it; a peer without ML-KEM falls back to X25519 or "
            "P-256). Below 100%: a peer that is not a current Palisade proxy (palisade check "
            "names the proxies that saw fallbacks).",
            [q(f'sum(rate(palisade_tls_handshake_duration_seconds_count{{group="X25519MLKEM768"}}{RATE})) / '
               f"sum(rate(palisade_tls_handshake_duration_seconds_count{RATE}))")],
            "percentunit", width=5, height=6)
    p.panel("stat", "Refused share",
            "Share of all connection admissions, both directions, that were refused.",
            [q(f'sum(rate(palisade_tls_handshakes_total{{result="failure"}}{RATE})) / '
               f"sum(rate(palisade_tls_handshakes_total{RATE}))")],
            "percentunit", width=5, height=6)
    p.panel("stat", "Meshed pods",
            "Proxies scraped that hold a workload certificate.",
            [q("count(palisade_certificate_expiry_timestamp_seconds >= 0)")], "none",
            width=4, height=6)
    p.panel("stat", "Soonest certificate expiry",
            "Time left on the workload certificate that expires first, mesh-wide. Leaves are "
            "renewed at about half-life; PalisadeWorkloadCertificateExpiringSoon fires under 4h.",
            [q("min(palisade_certificate_expiry_timestamp_seconds) - time()")], "s",
            width=5, height=6)
    p.panel("timeseries", "mTLS coverage by namespace",
            "Inbound mTLS share per namespace of the receiving pods.",
            [q(f"sum by (namespace) (rate(palisade_tls_handshakes_total{{{mtls}}}{RATE})) / "
               f"sum by (namespace) (rate(palisade_tls_handshakes_total{{{admitted}}}{RATE}))",
               "{{namespace}}")], "percentunit")
    p.panel("timeseries", "Refusals by reason",
            "Refused connections mesh-wide by reason; docs/sidecar.md says what each means.",
            [q(f'sum by (direction, reason) (rate(palisade_tls_handshakes_total{{result="failure"}}{RATE}))',
               "{{direction}} {{reason}}")], "cps")
    p.row("Who talks to whom")
    p.panel("table", "Top talkers by identity",
            "The ten busiest edges: bytes per second into each pod, by the caller's verified "
            "identity (peer; plaintext and unknown callers included).",
            [instant(f'topk(10, sum by (namespace, pod, peer) (rate(palisade_transmitted_bytes_total{{direction="inbound"}}{RATE})))')],
            "Bps")
    p.panel("table", "Top callers by connections",
            "The ten busiest edges by new connections per second, by the caller's identity.",
            [instant(f'topk(10, sum by (namespace, pod, peer) (rate(palisade_connections_total{{direction="inbound"}}{RATE})))')],
            "cps")
    p.row("Certificates")
    p.panel("table", "Certificates expiring first",
            "The ten workload certificates with the least time left.",
            [instant("bottomk(10, palisade_certificate_expiry_timestamp_seconds - time())")], "s",
            width=24)
    return dashboard("palisade-mesh-overview", "Palisade / Mesh overview",
                     "The whole mesh at a glance: how much traffic is mutual TLS, what is refused, "
                     "who talks to whom by identity, which certificates expire first. Metrics: "
                     "docs/metrics.md.", [], p)


def workload():
    variables = [
        query_variable("namespace", "Namespace",
                       "label_values(palisade_connections_active, namespace)", multi=False),
        # A pod's name without what its controller generated: deployment-<hash>-<suffix>,
        # statefulset-<ordinal>, or a bare pod's name.
        query_variable("workload", "Workload",
                       'label_values(palisade_connections_active{namespace=~"$namespace"}, pod)',
                       regex="/^(.+?)(?:(?:-[a-z0-9]{6,10})?-[a-z0-9]{5}|-[0-9]+)?$/"),
    ]
    p = Layout()
    p.row("Peers")
    p.panel("timeseries", "Inbound peers",
            "Connections per second into the workload, by the caller's identity.",
            [q(f'sum by (peer) (rate(palisade_connections_total{{direction="inbound", {WL}}}{RATE}))',
               "{{peer}}")], "cps")
    p.panel("timeseries", "Outbound peers",
            "Connections per second out of the workload, by the server's identity (plaintext: "
            "destinations outside the mesh).",
            [q(f'sum by (peer) (rate(palisade_connections_total{{direction="outbound", {WL}}}{RATE}))',
               "{{peer}}")], "cps")
    p.panel("timeseries", "Bytes by peer",
            "Application bytes relayed per second, both ways, by direction and peer.",
            [q(f"sum by (direction, peer) (rate(palisade_transmitted_bytes_total{{{WL}}}{RATE}))",
               "{{direction}} {{peer}}")], "Bps")
    p.panel("timeseries", "Access decisions by peer",
            "AccessPolicy decisions on inbound connections, by decision and caller.",
            [q(f"sum by (decision, peer) (rate(palisade_authz_decisions_total{{{WL}}}{RATE}))",
               "{{decision}} {{peer}}")], "cps")
    p.row("Admissions")
    p.panel("timeseries", "Refusals by reason",
            "Connections to or from the workload that its proxies refused, by reason.",
            [q(f'sum by (direction, reason) (rate(palisade_tls_handshakes_total{{result="failure", {WL}}}{RATE}))',
               "{{direction}} {{reason}}")], "cps")
    p.panel("timeseries", "Handshake latency",
            "Accept (inbound) or connect (outbound) to a completed handshake with the peer's "
            "identity checked.",
            quantiles("palisade_tls_handshake_duration_seconds", WL, ["direction"],
                      " {{direction}}"), "s")
    p.panel("timeseries", "Admissions by result",
            "mTLS (success), plaintext relayed and refused (failure), by direction.",
            [q(f"sum by (direction, result) (rate(palisade_tls_handshakes_total{{{WL}}}{RATE}))",
               "{{direction}} {{result}}")], "cps")
    p.panel("timeseries", "Connections cut by a policy change",
            "Established connections a new configuration no longer admits, closed by the "
            "proxies (an AccessPolicy DENY for their peer; plaintext on a port now STRICT).",
            [q(f"sum by (direction, reason) (increase(palisade_connections_terminated_total{{{WL}}}{RATE}))",
               "{{direction}} {{reason}}")], "none")
    p.panel("timeseries", "Connections open",
            "Connections open now, by direction.",
            [q(f"sum by (direction) (palisade_connections_active{{{WL}}})", "{{direction}}")],
            "none")
    p.row("Certificates")
    p.panel("table", "Certificate expiry by pod",
            "Time left on each of the workload's certificates.",
            [instant(f"sort(palisade_certificate_expiry_timestamp_seconds{{{WL}}} - time())")],
            "s")
    p.panel("timeseries", "Renewals",
            "Certificates installed (success) and renewals that failed.",
            [q(f"sum by (result) (increase(palisade_certificate_renewals_total{{{WL}}}{RATE}))",
               "{{result}}")], "none")
    return dashboard("palisade-workload", "Palisade / Workload",
                     "One workload's proxies: its inbound and outbound peers by identity, what "
                     "they refused and why, handshake latency, bytes, certificates. Metrics: "
                     "docs/metrics.md.", variables, p)


def identity_and_ca():
    p = Layout()
    p.row("Certificate authority")
    p.panel("stat", "CA time to expiry",
            "Time left on the trust domain's newest root and current issuer. Alerts: "
            "PalisadeCARootExpiringSoon, PalisadeCAIssuerExpiringSoon.",
            [q("min by (role) (palisade_ca_expiry_timestamp_seconds) - time()", "{{role}}")],
            "s", width=8)
    p.panel("stat", "Rotation phase",
            "Where a root rotation stands (docs/ca.md): steady, new root propagating (in the "
            "bundle, the issuer still under the old one), old root retiring.",
            [q("max by (phase) (palisade_ca_rotation_phase) == 1", "{{phase}}")], "none",
            width=8, options={"reduceOptions": {"calcs": ["lastNotNull"], "fields": "",
                                                "values": False},
                              "colorMode": "none", "graphMode": "none", "textMode": "name"})
    p.panel("timeseries", "Signing latency",
            "Time to answer a signing request, from arrival to response.",
            quantiles("palisade_ca_signing_duration_seconds", "", [], "", (0.5, 0.9, 0.99))
            + [q("max(palisade_ca_signing_duration_seconds_max)", "max")], "s", width=8)
    p.row("Issuance")
    p.panel("timeseries", "Certificates issued by kind and result",
            "Signing answers: success or the refusal reason (docs/signing.md).",
            [q(f"sum by (kind, result) (rate(palisade_ca_certificates_issued_total{RATE}))",
               "{{kind}} {{result}}")], "reqps")
    p.panel("timeseries", "Refused share",
            "Share of signing requests refused, by kind.",
            [q(f'sum by (kind) (rate(palisade_ca_certificates_issued_total{{result!="success"}}{RATE})) / '
               f"sum by (kind) (rate(palisade_ca_certificates_issued_total{RATE}))", "{{kind}}")],
            "percentunit")
    p.row("Revocation")
    p.panel("stat", "Revocations in force",
            "Revoked certificate serials and suspended identities every proxy is sent "
            "(CertificateRevocation, IdentitySuspension; docs/incident-response.md).",
            [q("max by (kind) (palisade_config_revocations)", "{{kind}}")], "none")
    p.panel("timeseries", "Handshakes refused as revoked or suspended",
            "Peers refused because their certificate is revoked or their identity suspended: "
            "someone is still using what was taken away.",
            [q(f'sum by (reason) (rate(palisade_tls_handshakes_total{{result="failure",'
               f'reason=~"revoked|identity_suspended"}}{RATE}))', "{{reason}}")], "reqps")
    p.row("Workload certificates")
    p.panel("timeseries", "Renewals",
            "Workload certificates installed by the proxies (success) and renewals that failed.",
            [q(f"sum by (result) (increase(palisade_certificate_renewals_total{RATE}))",
               "{{result}}")], "none")
    p.panel("timeseries", "Time to certificate expiry (minimum)",
            "The least time left on any proxy's certificate; healthy proxies stay above half "
            "the lifetime.",
            [q("min(palisade_certificate_expiry_timestamp_seconds) - time()", "minimum")], "s")
    p.panel("table", "Certificates expiring first",
            "Every proxy's certificate, least time left first.",
            [instant("sort(palisade_certificate_expiry_timestamp_seconds - time())")], "s",
            width=24)
    return dashboard("palisade-identity-ca", "Palisade / Identity and CA",
                     "The certificate authority and the workload certificates it issues: "
                     "expiries, root rotation, signing, renewals. Metrics: docs/metrics.md; "
                     "the CA: docs/ca.md.", [], p)


def control_plane():
    variables = [
        query_variable("namespace", "Namespace",
                       "label_values(palisade_webhook_requests_total, namespace)"),
        query_variable("pod", "Pod",
                       'label_values(palisade_webhook_requests_total{namespace=~"$namespace"}, pod)'),
    ]
    p = Layout()
    p.row("Admission webhook")
    p.panel("timeseries", "Webhook requests by result",
            "Admission reviews answered, by webhook and result (docs/injection.md).",
            [q(f"sum by (webhook, result) (rate(palisade_webhook_requests_total{{{OP}}}{RATE}))",
               "{{webhook}} {{result}}")], "reqps")
    p.panel("timeseries", "Webhook latency",
            "Time to answer an admission review, from arrival to response.",
            quantiles("palisade_webhook_duration_seconds", OP, ["webhook"], " {{webhook}}"), "s")
    p.row("Config service")
    p.panel("timeseries", "Config requests by endpoint and result",
            "Config service answers (docs/config-service.md).",
            [q(f"sum by (endpoint, result) (rate(palisade_config_requests_total{{{OP}}}{RATE}))",
               "{{endpoint}} {{result}}")], "reqps")
    p.panel("timeseries", "Long-polls and workloads",
            "Long-polls waiting for a change, and workloads with a computed configuration.",
            [q(f"sum(palisade_config_long_polls{{{OP}}})", "long-polls"),
             q(f"max(palisade_config_workloads{{{OP}}})", "workloads")], "none")
    p.row("Reconcilers")
    p.panel("timeseries", "Reconciliations by controller and result",
            "Reconciler runs on the leader; failures are retried with backoff.",
            [q(f"sum by (controller, result) (rate(palisade_reconciliations_total{{{OP}}}{RATE}))",
               "{{controller}} {{result}}")], "ops")
    p.panel("timeseries", "Reconcile latency",
            "Time a reconciler run takes.",
            quantiles("palisade_reconcile_duration_seconds", OP, ["controller"],
                      " {{controller}}"), "s")
    p.row("Operator JVM")
    p.panel("timeseries", "Heap",
            "Heap used and committed; the limit is the chart's memory limit times the launcher's "
            "heap share.",
            [q(f'sum by (pod) (jvm_memory_used_bytes{{area="heap", {OP}}})', "used {{pod}}"),
             q(f'sum by (pod) (jvm_memory_committed_bytes{{area="heap", {OP}}})',
               "committed {{pod}}")], "bytes", width=8)
    p.panel("timeseries", "CPU",
            "CPU the operator process uses, in cores.",
            [q(f"sum by (pod) (process_cpu_usage{{{OP}}} * system_cpu_count{{{OP}}})",
               "{{pod}}")], "none", width=8)
    p.panel("timeseries", "Threads",
            "Live JVM threads.",
            [q(f"sum by (pod) (jvm_threads_live_threads{{{OP}}})", "{{pod}}")], "none", width=8)
    return dashboard("palisade-control-plane", "Palisade / Control plane",
                     "The operator: admission webhook, config service, reconcilers, JVM. The CA "
                     "is on Identity and CA. Metrics: docs/metrics.md.", variables, p)


DASHBOARDS = {
    "palisade-mesh-overview.json": mesh_overview,
    "palisade-workload.json": workload,
    "palisade-identity-ca.json": identity_and_ca,
    "palisade-control-plane.json": control_plane,
}


def main():
    check = "--check" in sys.argv[1:]
    stale = []
    for name, build in DASHBOARDS.items():
        text = json.dumps(build(), indent=2) + "\n"
        path = OUT / name
        if check:
            if not path.exists() or path.read_text() != text:
                stale.append(name)
        else:
            path.write_text(text)
    extra = sorted(p.name for p in OUT.glob("*.json") if p.name not in DASHBOARDS)
    if check and (stale or extra):
        print("dashboards differ from hack/generate-dashboards.py: " + ", ".join(stale + extra)
              + "; run python3 hack/generate-dashboards.py", file=sys.stderr)
        sys.exit(1)


if __name__ == "__main__":
    main()
