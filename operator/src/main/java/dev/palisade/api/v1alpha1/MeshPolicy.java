package dev.palisade.api.v1alpha1;

import io.fabric8.crd.generator.annotation.AdditionalPrinterColumn;
import io.fabric8.kubernetes.api.model.Namespaced;
import io.fabric8.kubernetes.client.CustomResource;
import io.fabric8.kubernetes.model.annotation.Group;
import io.fabric8.kubernetes.model.annotation.ShortNames;
import io.fabric8.kubernetes.model.annotation.Version;

/**
 * The mTLS mode (STRICT, PERMISSIVE, DISABLE) for the selected workloads, with per-port
 * overrides. A MeshPolicy in the operator's namespace is the mesh-wide default.
 */
@Group("palisade.dev")
@Version("v1alpha1")
@ShortNames("mp")
@AdditionalPrinterColumn(name = "Mode", jsonPath = ".spec.mode",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Ready", jsonPath = ".status.conditions[?(@.type==\"Ready\")].status",
    type = AdditionalPrinterColumn.Type.STRING)
@AdditionalPrinterColumn(name = "Workloads", jsonPath = ".status.selectedWorkloads",
    type = AdditionalPrinterColumn.Type.INTEGER)
@AdditionalPrinterColumn(name = "Age", jsonPath = ".metadata.creationTimestamp",
    type = AdditionalPrinterColumn.Type.DATE)
public class MeshPolicy extends CustomResource<MeshPolicySpec, PolicyStatus> implements Namespaced {
}
