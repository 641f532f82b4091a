package dev.palisade.operator.http;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Function;

/**
 * Answers the requests of one route. {@link #handle} runs on a Netty event loop, so it must not
 * block: a handler that calls out (to the Kubernetes API, to disk) hands that work to its own
 * executor and returns the pending stage.
 */
@FunctionalInterface
public interface RequestHandler {

  CompletionStage<Response> handle(Request request);

  /**
   * The answer to a request whose body is over the server's limit; the body was never read.
   * Handlers that count rejections override this to count it too.
   */
  default Response bodyTooLarge(Request request, int maxBodyBytes) {
    return Response.error(413, "body_too_large",
        "the request body is larger than " + maxBodyBytes + " bytes");
  }

  /** A handler that answers at once, without blocking, on the event loop. */
  static RequestHandler of(Function<Request, Response> answer) {
    return request -> CompletableFuture.completedFuture(answer.apply(request));
  }
}
