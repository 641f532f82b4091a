package dev.palisade.operator.http;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.palisade.common.pki.KeyType;
import dev.palisade.common.spiffe.WorkloadIdentity;
import dev.palisade.operator.ca.SignedCertificate;
import dev.palisade.testing.InProcessCa;
import dev.palisade.testing.TrustingRoot;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.math.BigInteger;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.Test;

/** The HTTP server on real sockets: routing, body limit, ordering, timeouts, TLS rotation. */
class HttpServerIT {

  private static final int MAX_BODY = 1024;
  private static final InetSocketAddress LOOPBACK =
      new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

  private final AtomicInteger echoTooLarge = new AtomicInteger();

  /** Echoes the body; answers an oversized one in its own words, and counts it. */
  private final RequestHandler echo = new RequestHandler() {
    @Override
    public CompletableFuture<Response> handle(Request request) {
      return CompletableFuture.completedFuture(Response.text(200, "text/plain",
          new String(request.body(), StandardCharsets.UTF_8)));
    }

    @Override
    public Response bodyTooLarge(Request request, int maxBodyBytes) {
      echoTooLarge.incrementAndGet();
      return Response.error(413, "echo_too_large", "echo takes " + maxBodyBytes + " bytes");
    }
  };

  /** Answers after {@code delay}, from another thread, as a handler calling out would. */
  private static RequestHandler answersAfter(Duration delay, String body) {
    return request -> CompletableFuture.supplyAsync(() -> Response.text(200, "text/plain", body),
        CompletableFuture.delayedExecutor(delay.toMillis(), TimeUnit.MILLISECONDS));
  }

  private HttpServer.Builder plain() {
    return HttpServer.plain("test").maxBodyBytes(MAX_BODY)
        .route("POST", "/echo", echo)
        .route("GET", "/slow", answersAfter(Duration.ofMillis(300), "slow"))
        .route("GET", "/fast", RequestHandler.of(r -> Response.text(200, "text/plain", "fast")));
  }

  @Test
  void unknownPathsAndMethodsGetJsonErrors() throws Exception {
    try (HttpServer server = plain().bind(LOOPBACK);
         HttpClient client = HttpClient.newHttpClient()) {
      URI base = URI.create("http://127.0.0.1:" + server.port());
      HttpResponse<String> notFound = client.send(HttpRequest.newBuilder(base.resolve("/nope"))
          .build(), HttpResponse.BodyHandlers.ofString());
      HttpResponse<String> wrongMethod = client.send(HttpRequest.newBuilder(base.resolve("/echo"))
          .build(), HttpResponse.BodyHandlers.ofString());

      assertThat(notFound.statusCode()).isEqualTo(404);
      assertThat(notFound.headers().firstValue("Content-Type")).contains("application/json");
      assertThat(notFound.body()).isEqualTo("{\"error\":\"not_found\",\"message\":\"no endpoint /nope\"}");
      assertThat(wrongMethod.statusCode()).isEqualTo(405);
      assertThat(wrongMethod.headers().firstValue("Allow")).contains("POST");
      assertThat(wrongMethod.body()).contains("\"error\":\"method_not_allowed\"");
    }
  }

  @Test
  void anOversizedBodyIsAnsweredByItsRouteAndTheConnectionServesTheNextRequest()
      throws Exception {
    try (HttpServer server = plain().bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send(post("/echo", "x".repeat(MAX_BODY + 1)));
      RawResponse refused = connection.readResponse();
      connection.send(post("/echo", "hello"));
      RawResponse next = connection.readResponse();

      assertThat(refused.status()).isEqualTo(413);
      assertThat(refused.body()).startsWith("{\"error\":\"echo_too_large\"");
      assertThat(echoTooLarge).hasValue(1);
      assertThat(next.status()).isEqualTo(200);
      assertThat(next.body()).isEqualTo("hello");
    }
  }

  @Test
  void aBodyThatFitsIsInvitedWith100Continue() throws Exception {
    try (HttpServer server = plain().bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
          + "Content-Length: 5\r\n\r\n");
      RawResponse interim = connection.readResponse();
      connection.send("hello");
      RawResponse answer = connection.readResponse();

      assertThat(interim.status()).isEqualTo(100);
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("hello");
    }
  }

  @Test
  void anOversizedBodyAwaitingContinueIsNotInvitedAndTheConnectionCloses() throws Exception {
    try (HttpServer server = plain().bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nExpect: 100-continue\r\n"
          + "Content-Length: " + (MAX_BODY * 100) + "\r\n\r\n");
      RawResponse refused = connection.readResponse();

      assertThat(refused.status()).as("a final answer, no 100 Continue").isEqualTo(413);
      assertThat(refused.body()).startsWith("{\"error\":\"echo_too_large\"");
      assertThat(refused.headers()).containsEntry("connection", "close");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void pipelinedRequestsAreAnsweredInOrder() throws Exception {
    try (HttpServer server = plain().bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      // One write: the slow answer must still come first.
      connection.send(get("/slow") + get("/fast") + get("/slow"));

      assertThat(List.of(connection.readResponse().body(), connection.readResponse().body(),
          connection.readResponse().body())).containsExactly("slow", "fast", "slow");
    }
  }

  @Test
  void aMalformedRequestIsRefusedAndTheConnectionClosed() throws Exception {
    try (HttpServer server = plain().bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send("GET /fast HTTP/1.1\r\nHost: test\r\nContent-Length: nope\r\n\r\n");
      RawResponse refused = connection.readResponse();

      assertThat(refused.status()).isEqualTo(400);
      assertThat(refused.body()).startsWith("{\"error\":\"bad_request\"");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void aSilentConnectionIsClosedAfterTheIdleTimeout() throws Exception {
    try (HttpServer server = plain().idleTimeout(Duration.ofMillis(300)).bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      long start = System.nanoTime();
      assertThat(connection.closedByServer()).isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(3));
    }
  }

  @Test
  void aSenderThatStallsMidRequestIsClosed() throws Exception {
    try (HttpServer server = plain().idleTimeout(Duration.ofMillis(300)).bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send("POST /echo HTTP/1.1\r\nHost: test\r\nContent-Length: 10\r\n\r\nhel");
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void aKeptAliveConnectionIsClosedOnceIdleAfterItsAnswer() throws Exception {
    try (HttpServer server = plain().idleTimeout(Duration.ofMillis(300)).bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send(get("/fast"));
      assertThat(connection.readResponse().status()).isEqualTo(200);
      assertThat(connection.closedByServer()).isTrue();
    }
  }

  @Test
  void aHandlerSlowerThanTheIdleTimeoutStillAnswers() throws Exception {
    try (HttpServer server = plain().idleTimeout(Duration.ofMillis(100)).bind(LOOPBACK);
         RawConnection connection = RawConnection.open(server)) {
      connection.send(get("/slow")); // 300 ms
      RawResponse answer = connection.readResponse();
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.body()).isEqualTo("slow");
    }
  }

  @Test
  void newConnectionsGetTheCurrentTlsContextAndOpenOnesKeepTheirs() throws Exception {
    InProcessCa ca = InProcessCa.create("cluster.local", Duration.ofHours(1));
    AtomicReference<SslContext> current = new AtomicReference<>(serverContext(ca));
    try (HttpServer server = HttpServer.https("test", current::get)
        .route("GET", "/fast", RequestHandler.of(r -> Response.text(200, "text/plain", "fast")))
        .bind(LOOPBACK)) {
      SSLSocket first = tlsConnect(ca, server);
      BigInteger firstSerial = peerSerial(first);

      current.set(serverContext(ca));
      SSLSocket second = tlsConnect(ca, server);

      assertThat(peerSerial(second)).isNotEqualTo(firstSerial);
      RawConnection old = new RawConnection(first);
      old.send(get("/fast"));
      assertThat(old.readResponse().body()).as("the open connection still works").isEqualTo("fast");
      assertThat(peerSerial(first)).isEqualTo(firstSerial);
      first.close();
      second.close();
    }
  }

  @Test
  void withoutATlsContextConnectionsAreRefusedUntilThereIsOne() throws Exception {
    InProcessCa ca = InProcessCa.create("cluster.local", Duration.ofHours(1));
    AtomicReference<SslContext> current = new AtomicReference<>();
    try (HttpServer server = HttpServer.https("test", () -> {
          SslContext context = current.get();
          if (context == null) {
            throw new IllegalStateException("no certificate yet");
          }
          return context;
        }).bind(LOOPBACK)) {
      assertThatThrownBy(() -> tlsConnect(ca, server)).isInstanceOf(IOException.class);

      current.set(serverContext(ca));
      try (SSLSocket socket = tlsConnect(ca, server)) {
        assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
      }
      assertThat(server.isServing()).isTrue();
    }
  }

  @Test
  void aClosedServerNoLongerServes() {
    HttpServer server = plain().bind(LOOPBACK);
    assertThat(server.isServing()).isTrue();
    server.close();
    assertThat(server.isServing()).isFalse();
  }

  @Test
  void aTakenPortIsAClearError() {
    try (HttpServer first = plain().bind(LOOPBACK)) {
      assertThatThrownBy(() -> plain().bind(first.address()))
          .isInstanceOf(IllegalStateException.class)
          .hasMessageContaining("test server cannot listen on");
    }
  }

  // --- helpers ---

  private static String get(String path) {
    return "GET " + path + " HTTP/1.1\r\nHost: test\r\n\r\n";
  }

  private static String post(String path, String body) {
    return "POST " + path + " HTTP/1.1\r\nHost: test\r\nContent-Length: "
        + body.getBytes(StandardCharsets.UTF_8).length + "\r\n\r\n" + body;
  }

  private static SslContext serverContext(InProcessCa ca) throws Exception {
    KeyPair keys = KeyType.ECDSA_P256.generate();
    SignedCertificate signed = ca.signServer(keys.getPublic(),
        new WorkloadIdentity("cluster.local", "palisade-system", "palisade-operator"),
        List.of("localhost"));
    return SslContextBuilder.forServer(keys.getPrivate(),
        signed.chain().toArray(X509Certificate[]::new)).sslProvider(SslProvider.JDK).build();
  }

  private static SSLSocket tlsConnect(InProcessCa ca, HttpServer server) throws Exception {
    SSLContext context = TrustingRoot.sslContext(ca.rootCertificate());
    SSLSocket socket = (SSLSocket) context.getSocketFactory()
        .createSocket(InetAddress.getLoopbackAddress(), server.port());
    socket.setSoTimeout(10_000);
    try {
      socket.startHandshake();
    } catch (SSLException e) {
      socket.close();
      throw e;
    }
    return socket;
  }

  private static BigInteger peerSerial(SSLSocket socket) throws Exception {
    return ((X509Certificate) socket.getSession().getPeerCertificates()[0]).getSerialNumber();
  }

  record RawResponse(int status, Map<String, String> headers, String body) {}

  /** HTTP/1.1 by hand, to control exactly what goes on the wire and when. */
  static final class RawConnection implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    RawConnection(Socket socket) throws IOException {
      this.socket = socket;
      socket.setSoTimeout(10_000);
      this.in = socket.getInputStream();
      this.out = socket.getOutputStream();
    }

    static RawConnection open(HttpServer server) throws IOException {
      return new RawConnection(new Socket(InetAddress.getLoopbackAddress(), server.port()));
    }

    void send(String text) throws IOException {
      out.write(text.getBytes(StandardCharsets.UTF_8));
      out.flush();
    }

    RawResponse readResponse() throws IOException {
      String statusLine = readLine();
      int status = Integer.parseInt(statusLine.split(" ")[1]);
      Map<String, String> headers = new TreeMap<>();
      for (String line = readLine(); !line.isEmpty(); line = readLine()) {
        int colon = line.indexOf(':');
        headers.put(line.substring(0, colon).trim().toLowerCase(Locale.ROOT),
            line.substring(colon + 1).trim());
      }
      int length = Integer.parseInt(headers.getOrDefault("content-length", "0"));
      return new RawResponse(status, headers,
          new String(in.readNBytes(length), StandardCharsets.UTF_8));
    }

    /** Blocks until the server closes (true), or 10 s pass (a timeout exception). */
    boolean closedByServer() throws IOException {
      return in.read() == -1;
    }

    private String readLine() throws IOException {
      ByteArrayOutputStream line = new ByteArrayOutputStream();
      for (int b = in.read(); b != '\n'; b = in.read()) {
        if (b == -1) {
          throw new IOException("connection closed mid-response");
        }
        if (b != '\r') {
          line.write(b);
        }
      }
      return line.toString(StandardCharsets.UTF_8);
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
