package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import java.util.List;

/** Status of MeshPolicy and AccessPolicy. */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public class PolicyStatus extends Status {
  @JsonPropertyDescription("How many workloads (pods with the Palisade proxy) the policy"
      + " currently selects.")
  public Integer selectedWorkloads;

  /** How many names {@link #workloads} lists at most. */
  public static final int MAX_LISTED_WORKLOADS = 10;

  @JsonPropertyDescription("The first selected workloads (namespace/pod), sorted, at most 10;"
      + " selectedWorkloads has the full count.")
  public List<String> workloads;
}
