package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.PlaintextReason;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.HandshakeFailures;
import dev.palisade.sidecar.tls.PeerRejectedException;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how an outbound connection leaves the pod, once its {@link OutboundRoute} is known (at
 * once from the static policy, or when the operator's destination lookup answers): to a mesh
 * destination over mTLS, checked to present one of the identities allowed for it; to any other
 * destination in plaintext, or not at all when the policy requires mTLS; and not at all when
 * nobody can say which. The application's bytes are not read until the upstream is admitted.
 */
final class OutboundAdmission extends ChannelInboundHandlerAdapter {

  static final String NAME = "admission";

  private static final Logger LOG = LoggerFactory.getLogger(OutboundAdmission.class);

  /** Everything an outbound connection is decided by, fixed when it is accepted. */
  record Context(InetSocketAddress destination, CompletableFuture<OutboundRoute> route,
      boolean requireMtls, TlsMaterialHolder tls, ProxyMetrics metrics, Upstreams upstreams,
      Duration idleTimeout, ConnectionTracker tracker, SidecarConfig config) {}

  private final Context context;
  private final AdmissionRecord record;
  private ChannelHandlerContext ctx;
  private Channel upstream;
  private OutboundRoute.Meshed meshed;
  private VerifiedPeer verifiedPeer;

  OutboundAdmission(Context context, AdmissionRecord record) {
    this.context = context;
    this.record = record;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
    context.route().whenComplete((route, error) -> {
      OutboundRoute decided = route != null ? route
          : new OutboundRoute.Unknown(String.valueOf(error));
      if (ctx.executor().inEventLoop()) {
        decide(decided);
      } else {
        ctx.executor().execute(() -> decide(decided));
      }
    });
  }

  private void decide(OutboundRoute route) {
    if (!ctx.channel().isActive()) {
      return; // the application left, or the deadline closed it, while the lookup ran
    }
    switch (route) {
      case OutboundRoute.Meshed mesh -> originateMtls(mesh);
      case OutboundRoute.NotMeshed notMeshed when context.requireMtls() -> {
        record.plaintextPeer();
        refuse(HandshakeFailure.PLAINTEXT_REJECTED, context.destination() + " is not in the"
            + " mesh (" + notMeshed.reason() + ") and the outbound policy requires mTLS");
      }
      case OutboundRoute.NotMeshed notMeshed -> {
        record.plaintext(PlaintextReason.NOT_MESHED);
        connect(channel -> channel.pipeline().addLast(RelayHandler.NAME, relay()));
      }
      case OutboundRoute.Unknown unknown -> refuse(HandshakeFailure.DESTINATION_UNKNOWN,
          "cannot tell whether " + context.destination() + " is in the mesh: " + unknown.detail());
    }
  }

  private void originateMtls(OutboundRoute.Meshed mesh) {
    Optional<TlsContexts> contexts = context.tls().current();
    if (contexts.isEmpty()) {
      LOG.warn("outbound to {} needs mTLS but no certificate is loaded yet; closing",
          context.destination());
      ctx.close();
      return;
    }
    meshed = mesh;
    connect(channel -> {
      SslHandler tls = contexts.get().clientHandler(channel.alloc(),
          context.destination().getHostString(), context.destination().getPort());
      tls.setHandshakeTimeoutMillis(0); // AdmissionDeadline times the whole admission
      channel.pipeline().addLast(EndOfInputAfterHandshake.NAME,
          new EndOfInputAfterHandshake(tls));
      channel.pipeline().addLast(InboundAdmission.TLS, tls);
      channel.pipeline().addLast(ServerIdentityCheck.NAME, new ServerIdentityCheck());
      channel.pipeline().addLast(RelayHandler.NAME, relay());
    });
  }

  private RelayHandler relay() {
    return new RelayHandler(record::relayed);
  }

  private void connect(Consumer<Channel> pipeline) {
    Channel downstream = ctx.channel();
    context.upstreams().connect(downstream, context.destination(), pipeline)
        .addListener((ChannelFutureListener) connected -> {
          if (!connected.isSuccess()) {
            LOG.debug("cannot connect to {}: {}", context.destination(),
                connected.cause().toString());
            downstream.close();
            return;
          }
          upstream = connected.channel();
          if (!downstream.isActive()) {
            upstream.close();
          } else if (record.decided()) {
            admitted(); // plaintext: nothing more to check
          }
          // else: ServerIdentityCheck calls serverHandshakeDone
        });
  }

  private void serverHandshakeDone(Channel upstream, SslHandshakeCompletionEvent done,
      SslHandler tls) {
    this.upstream = upstream;
    if (!done.isSuccess()) {
      refuse(HandshakeFailures.classify(done.cause()), HandshakeFailures.describe(done.cause()));
      return;
    }
    try {
      VerifiedPeer peer = PeerIdentities.of(tls);
      record.identified(peer.id());
      verifiedPeer = peer;
      if (!meshed.identities().contains(peer.id())) {
        meshed.onMismatch().run();
        refuse(HandshakeFailure.IDENTITY_MISMATCH, context.destination() + " presented "
            + peer.id() + " but must be one of " + meshed.identities());
        return;
      }
    } catch (PeerRejectedException e) {
      refuse(e.reason(), e.getMessage());
      return;
    }
    record.succeeded(tls);
    upstream.pipeline().remove(ServerIdentityCheck.NAME);
    admitted();
  }

  private void admitted() {
    AdmissionDeadline.admitted(ctx, context.idleTimeout());
    Channel downstream = ctx.channel();
    context.tracker().established(downstream, new Admitted(Direction.OUTBOUND,
        context.destination().getPort(), Optional.ofNullable(verifiedPeer), record.peer()),
        context.config());
    ctx.pipeline().remove(this);
    Relay.join(downstream, upstream);
  }

  private void refuse(HandshakeFailure reason, String detail) {
    if (record.failed(reason)) {
      LOG.info("outbound {} -> {} refused ({}): {}", ctx.channel().remoteAddress(),
          context.destination(), reason.label(), detail);
    }
    ctx.close();
    if (upstream != null) {
      upstream.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    if (upstream != null) {
      upstream.close(); // the application left before the upstream was admitted
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    LOG.debug("outbound {} failed before admission: {}", ctx.channel(), cause.toString());
    ctx.close();
  }

  /** On the upstream, until its handshake completes: hands the outcome to the admission. */
  private final class ServerIdentityCheck extends ChannelInboundHandlerAdapter {
    static final String NAME = "server-identity";

    @Override
    public void userEventTriggered(ChannelHandlerContext upstreamCtx, Object evt) {
      if (evt instanceof SslHandshakeCompletionEvent done) {
        serverHandshakeDone(upstreamCtx.channel(), done,
            upstreamCtx.pipeline().get(SslHandler.class));
      } else {
        upstreamCtx.fireUserEventTriggered(evt);
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext upstreamCtx, Throwable cause) {
      // Also reported as a failed SslHandshakeCompletionEvent; the record counts once.
      refuse(HandshakeFailures.classify(cause), HandshakeFailures.describe(cause));
    }
  }
}
