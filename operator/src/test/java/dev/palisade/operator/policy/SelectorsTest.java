package dev.palisade.operator.policy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.palisade.api.v1alpha1.WorkloadSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Label selector semantics as Kubernetes defines them, as a table. */
class SelectorsTest {

  @ParameterizedTest(name = "{0} selects {1}: {2}")
  @CsvSource(delimiter = '|', nullValues = "-", value = {
      // selector (; between terms)         | pod labels          | selects
      "-                                    | app=web             | true",
      "{}                                   | -                   | true",
      "app=web                              | app=web,tier=front  | true",
      "app=web                              | app=db              | false",
      "app=web                              | -                   | false",
      "app=web;tier=front                   | app=web             | false",
      "app In web,api                       | app=api             | true",
      "app In web,api                       | app=db              | false",
      "app In web                           | -                   | false",
      "app NotIn db                         | app=web             | true",
      "app NotIn db                         | app=db              | false",
      "app NotIn db                         | -                   | true",
      "app Exists                           | app=                | true",
      "app Exists                           | tier=front          | false",
      "canary DoesNotExist                  | app=web             | true",
      "canary DoesNotExist                  | app=web,canary=yes  | false",
      "app=web;canary DoesNotExist          | app=web             | true",
  })
  void matches(String selector, String labels, boolean expected) {
    WorkloadSelector parsed = parse(selector);
    assertThat(Selectors.problem(parsed)).isEmpty();
    assertThat(Selectors.matches(parsed, labels(labels))).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "app In                | matchExpressions[0]: In needs at least one value",
      "app NotIn             | matchExpressions[0]: NotIn needs at least one value",
      "app Exists web        | matchExpressions[0]: Exists takes no values",
      "app DoesNotExist web  | matchExpressions[0]: DoesNotExist takes no values",
  })
  void selectorsThatCannotBeEvaluatedAreNamed(String selector, String problem) {
    assertThat(Selectors.problem(parse(selector))).hasValueSatisfying(
        p -> assertThat(p).contains(problem));
  }

  /** {@code key=value} terms are matchLabels, {@code key Op v1,v2} terms are expressions. */
  private static WorkloadSelector parse(String text) {
    if (text == null) {
      return null;
    }
    WorkloadSelector selector = new WorkloadSelector();
    if (text.equals("{}")) {
      return selector;
    }
    List<WorkloadSelector.Requirement> expressions = new ArrayList<>();
    for (String term : text.split(";")) {
      String[] words = term.strip().split(" ");
      if (words.length == 1) {
        String[] kv = words[0].split("=");
        selector.matchLabels = selector.matchLabels == null ? new java.util.HashMap<>()
            : selector.matchLabels;
        selector.matchLabels.put(kv[0], kv[1]);
      } else {
        WorkloadSelector.Requirement requirement = new WorkloadSelector.Requirement();
        requirement.key = words[0];
        requirement.operator = WorkloadSelector.Operator.valueOf(words[1]);
        requirement.values = words.length > 2 ? List.of(words[2].split(",")) : null;
        expressions.add(requirement);
      }
    }
    selector.matchExpressions = expressions.isEmpty() ? null : expressions;
    return selector;
  }

  private static Map<String, String> labels(String text) {
    Map<String, String> labels = new java.util.HashMap<>();
    if (text != null) {
      for (String pair : text.split(",")) {
        String[] kv = pair.split("=", -1);
        labels.put(kv[0], kv[1]);
      }
    }
    return labels;
  }
}
