package dev.palisade.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * A SPIFFE trust domain and the certificate authority that issues its identities: a root
 * (generated or imported), an intermediate issuer rotated automatically, and the lifetime of the
 * workload certificates it signs. Cluster-scoped, like the trust it defines.
 */
@Group("palisade.dev")
@Version("v1alpha1")
@ShortNames("td")
@AdditionalPrinterColumn(name = "Trust Domain", jsonPath = ".spec.trustDomain",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Root Expires", jsonPath = ".status.root.notAfter",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Issuer Expires", jsonPath = ".status.issuer.notAfter",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class TrustDomain extends CustomResource<TrustDomainSpec, TrustDomainStatus> {
}
