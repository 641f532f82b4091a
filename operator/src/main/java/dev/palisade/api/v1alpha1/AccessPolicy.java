package dev.palisade.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * Who may connect to the selected workloads: ALLOW, DENY or AUDIT rules over the peer's verified
 * SPIFFE identity, namespace and service account, per port. DENY is evaluated first; once any
 * ALLOW policy selects a workload, every connection not allowed is denied.
 */
@Group("palisade.dev")
@Version("v1alpha1")
@ShortNames("ap")
@AdditionalPrinterColumn(name = "Action", jsonPath = ".spec.action",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Workloads", jsonPath = ".status.selectedWorkloads",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class AccessPolicy extends CustomResource<AccessPolicySpec, PolicyStatus>
    implements Namespaced {
}
