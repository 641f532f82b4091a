package dev.palisade.api.v1alpha1;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonPropertyDescription;
import io.fabric8.generator.annotation.Required;
import io.fabric8.generator.annotation.Size;
import io.fabric8.generator.annotation.ValidationRule;
import java.util.List;
import java.util.Map;

/**
 * Which pods of the policy's namespace a policy selects: a Kubernetes label selector (same
 * fields, same meaning as {@code metav1.LabelSelector}), with bounds and rules the API server
 * checks at apply time. Kubernetes validates selectors only in its own kinds; here a selector
 * that can never match a pod (an {@code In} without values, a value no label can have, a
 * contradiction with matchLabels) is refused instead of silently selecting nothing. The bounds
 * keep the rules' CEL cost inside the API server's budget.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
@ValidationRule(value = "!has(self.matchLabels) || !has(self.matchExpressions)"
    + " || self.matchExpressions.all(e, !(e.key in self.matchLabels)"
    + " || (e.operator == 'In' && has(e.values) && self.matchLabels[e.key] in e.values)"
    + " || (e.operator == 'NotIn' && (!has(e.values) || !(self.matchLabels[e.key] in e.values)))"
    + " || e.operator == 'Exists')",
    message = "can never match: a matchExpressions entry contradicts matchLabels on the same key"
        + " (DoesNotExist on a required label, In without its value, or NotIn with it)")
public class WorkloadSelector {

  @Size(max = 32)
  @ValidationRule(value = "self.all(k, k.matches('" + Rules.LABEL_KEY + "'))",
      message = "keys must be label keys: an optional DNS prefix and '/', then up to 63 letters,"
          + " digits, '-', '_' or '.', beginning and ending with a letter or digit")
  @ValidationRule(value = "self.all(k, self[k].matches('" + Rules.LABEL_VALUE + "'))",
      message = "values must be label values (no pod can carry another): up to 63 letters,"
          + " digits, '-', '_' or '.', beginning and ending with a letter or digit, or empty")
  @JsonPropertyDescription("Labels a pod must all carry, with these values.")
  public Map<@Size(max = 317) String, @Size(max = 63) String> matchLabels;

  @Size(max = 16)
  @JsonPropertyDescription("Requirements a pod's labels must all meet.")
  public List<Requirement> matchExpressions;

  /** One requirement: {@code key operator values}, as in Kubernetes. */
  @JsonInclude(JsonInclude.Include.NON_EMPTY)
  @ValidationRule(value = "self.operator == 'In' || self.operator == 'NotIn'"
      + " ? has(self.values) && size(self.values) > 0"
      + " : !has(self.values) || size(self.values) == 0",
      message = "In and NotIn need at least one value (In with none can never match);"
          + " Exists and DoesNotExist take none")
  public static class Requirement {
    @Required
    @Size(min = 1, max = 317)
    @ValidationRule(value = "self.matches('" + Rules.LABEL_KEY + "')",
        message = "must be a label key: an optional DNS prefix and '/', then up to 63 letters,"
            + " digits, '-', '_' or '.', beginning and ending with a letter or digit")
    @JsonPropertyDescription("The label key the requirement is about.")
    public String key;

    @Required
    @JsonPropertyDescription("In, NotIn, Exists or DoesNotExist.")
    public Operator operator;

    @Size(max = 32)
    @ValidationRule(value = "self.all(v, v.matches('" + Rules.LABEL_VALUE + "'))",
        message = "entries must be label values: up to 63 letters, digits, '-', '_' or '.',"
            + " beginning and ending with a letter or digit")
    @JsonPropertyDescription("Values for In and NotIn; must be empty for Exists and"
        + " DoesNotExist.")
    public List<@Size(max = 63) String> values;
  }

  /** Label selector operators, spelled as Kubernetes spells them. */
  public enum Operator {
    In, NotIn, Exists, DoesNotExist
  }
}
