package dev.palisade.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A SPIFFE certificate for something without a sidecar (a job doing its own mTLS, an ingress, a
 * client outside the mesh), written to a Secret and renewed, like cert-manager's Certificate. It
 * may only name identities of its own namespace.
 */
@Group("palisade.dev")
@Version("v1alpha1")
@ShortNames("wcert")
@AdditionalPrinterColumn(name = "SPIFFE ID", jsonPath = ".spec.spiffeId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Secret", jsonPath = ".spec.secretName",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Expires", jsonPath = ".status.notAfter",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Renews", jsonPath = ".status.renewalTime",
    type = AdditionalPrinterColumn.Type.STRING, priority = 1)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class WorkloadCertificate
    extends CustomResource<WorkloadCertificateSpec, WorkloadCertificateStatus> implements Namespaced {
}
