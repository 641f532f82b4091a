package dev.palisade.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.ConnectException;
import org.junit.jupiter.api.Test;

class MainTest {

  @Test
  void anErrorSaysWhatCausedIt() {
    Exception wrapped = new IllegalStateException("An error has occurred.",
        new IOException("cannot reach https://198.18.0.2:16443",
            new ConnectException("Connection refused")));

    assertThat(Main.message(wrapped)).isEqualTo("An error has occurred.: cannot reach"
        + " https://198.18.0.2:16443: Connection refused");
  }
}
