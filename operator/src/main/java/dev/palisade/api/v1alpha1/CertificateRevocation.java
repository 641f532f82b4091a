package dev.palisade.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;

/**
 * Revokes one workload certificate of a trust domain by serial number: within seconds every
 * proxy refuses it and closes connections made with it, and the proxy holding it renews with a
 * new key. Ends by itself once the certificate would have expired. Cluster-scoped: a mesh
 * administrator's tool (docs/incident-response.md).
 */
@Group("palisade.dev")
@Version("v1alpha1")
@ShortNames("crev")
@AdditionalPrinterColumn(name = "Trust Domain", jsonPath = ".spec.trustDomain",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Serial", jsonPath = ".spec.serialNumber",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.expiresAt",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class CertificateRevocation
    extends CustomResource<CertificateRevocationSpec, RevocationStatus> {
}
