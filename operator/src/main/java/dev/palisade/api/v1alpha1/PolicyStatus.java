package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;

/** Status of MeshPolicy and AccessPolicy. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PolicyStatus extends Status {
  @JsonPropertyDescription("How many workloads the policy currently selects.")
  public Integer selectedWorkloads;
}
