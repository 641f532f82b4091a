package dev.palisade.operator.http;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Every byte a caller sends the operator's HTTPS servers, after TLS, meets these handlers (the
 * same ones HttpServer installs): whatever arrives, however split, the server answers with a
 * status from a small known set or closes, and nothing escapes the pipeline.
 */
class HttpRequestFuzzTest {

  private static final int MAX_BODY = 256;
  private static final Pattern STATUS_LINE = Pattern.compile("^HTTP/1\\.1 (\\d{3}) ");
  private static final Set<Integer> EXPECTED = Set.of(200, 400, 404, 405, 413, 431);

  @FuzzTest
  void answersWithAKnownStatusOrCloses(FuzzedDataProvider data) {
    Routes routes = new Routes()
        .add("GET", "/healthz", RequestHandler.of(request -> Response.json(200,
            Map.of("status", "ok"))))
        .add("POST", "/v1/echo", RequestHandler.of(request -> Response.json(200,
            Map.of("bytes", request.body().length))));
    EmbeddedChannel channel = new EmbeddedChannel();
    HttpServer.addHttpHandlers(channel.pipeline(), routes, MAX_BODY, Duration.ofSeconds(30));
    for (int i = 0; i < 6 && data.remainingBytes() > 0 && channel.isOpen(); i++) {
      channel.writeInbound(Unpooled.wrappedBuffer(data.consumeBytes(data.consumeInt(1, 512))));
      channel.runPendingTasks();
    }
    channel.checkException();

    StringBuilder answered = new StringBuilder();
    for (Object out; (out = channel.readOutbound()) != null; ) {
      ByteBuf buf = (ByteBuf) out;
      answered.append(buf.toString(StandardCharsets.ISO_8859_1));
      buf.release();
    }
    Matcher status = STATUS_LINE.matcher(answered);
    if (status.find()) {
      assertThat(EXPECTED).contains(Integer.parseInt(status.group(1)));
    } else {
      assertThat(answered).isEmpty();
    }
    channel.finishAndReleaseAll();
  }
}
