package dev.palisade.operator;

import static org.assertj.core.api.Assertions.assertThatCode;

import org.junit.jupiter.api.Test;

/** The image build runs this; a failure there would fail the build much later than here. */
class AotTrainingTest {

  @Test
  void theTrainingRunCompletesWithoutACluster() {
    assertThatCode(AotTraining::run).doesNotThrowAnyException();
  }
}
