package dev.palisade.api.v1alpha1;

import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;
import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;

/**
 * Suspends one SPIFFE identity, whatever certificate presents it: every proxy refuses it and
 * closes its connections, and the CA signs nothing for it, until this object is deleted.
 * Cluster-scoped: a mesh administrator's tool (docs/incident-response.md).
 */
@Group("palisade.dev")
@Version("v1alpha1")
@ShortNames("isus")
@AdditionalPrinterColumn(name = "SPIFFE ID", jsonPath = ".spec.spiffeId",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class IdentitySuspension extends CustomResource<IdentitySuspensionSpec, RevocationStatus> {
}
