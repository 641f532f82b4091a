package dev.palisade.api.v1alpha1;

import dev.palisade.common.policy.MtlsMode;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Max;
import io.fabric8.generator.annotation.Min;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;

@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "has(self.mode) || (has(self.ports) && size(self.ports) > 0)"
    + " || has(self.establishedConnections)",
    message = "set mode, ports or establishedConnections: a MeshPolicy with none changes nothing")
public class MeshPolicySpec {

  @JsonPropertyDescription("Pods (in this namespace) the policy applies to, by label. Unset or"
      + " empty selects every workload in the namespace.")
  public WorkloadSelector selector;

  @JsonPropertyDescription("mTLS mode for the selected workloads: STRICT (only mTLS from the"
      + " trust domain), PERMISSIVE (mTLS and plaintext), DISABLE (pass through). Unset inherits"
      + " from the namespace-wide, then the mesh-wide policy.")
  public MtlsMode mode;

  @Size(max = 64)
  @ValidationRule(value = "self.all(p, self.exists_one(q, q.port == p.port))",
      message = "each port may appear only once")
  @JsonPropertyDescription("Per-port modes, overriding mode for those ports.")
  public List<PortMode> ports;

  @JsonPropertyDescription("What a policy change does to the selected workloads' established"
      + " connections that it no longer admits (an AccessPolicy DENY for their peer, plaintext on"
      + " a port now STRICT): closed at once (the default), or drained for a while first, for"
      + " workloads that must finish in-flight work. Unset inherits from the namespace-wide, then"
      + " the mesh-wide policy.")
  public EstablishedConnections establishedConnections;

  /** What live enforcement does to a workload's connections a change no longer admits. */
  public enum OnPolicyChange { Close, Drain }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(value = "self.onPolicyChange == 'Drain' || !has(self.drainPeriod)",
      message = "drainPeriod is for onPolicyChange: Drain")
  public static class EstablishedConnections {
    @Required
    @JsonPropertyDescription("Close: at once. Drain: after drainPeriod, if the configuration"
        + " in force then still does not admit them.")
    public OnPolicyChange onPolicyChange;

    @Size(max = 32)
    @ValidationRule(value = Rules.DRAIN_PERIOD, message = Rules.DRAIN_PERIOD_MESSAGE)
    @JsonPropertyDescription("With Drain: how long they may run on (1s to 1h; 30s when unset).")
    public String drainPeriod;
  }

  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  public static class PortMode {
    @Required
    @Min(1)
    @Max(65535)
    @JsonPropertyDescription("The workload's container port (1-65535).")
    public Integer port;

    @Required
    @JsonPropertyDescription("mTLS mode for this port: STRICT, PERMISSIVE or DISABLE.")
    public MtlsMode mode;
  }
}
