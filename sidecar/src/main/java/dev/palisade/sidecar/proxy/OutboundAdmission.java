package dev.palisade.sidecar.proxy;

import dev.palisade.common.spiffe.SpiffeId;
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
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides how an outbound connection leaves the pod: to a mesh destination (the outbound policy
 * names the identity it must present) over mTLS, checked to be exactly that identity; to any
 * other destination in plaintext, or not at all when the policy requires mTLS. The
 * application's bytes are not read until the upstream is admitted.
 */
final class OutboundAdmission extends ChannelInboundHandlerAdapter {

  static final String NAME = "admission";

  private static final Logger LOG = LoggerFactory.getLogger(OutboundAdmission.class);

  /** Everything an outbound connection is decided by, fixed when it is accepted. */
  record Context(InetSocketAddress destination, Optional<SpiffeId> expected, boolean requireMtls,
      TlsMaterialHolder tls, ProxyMetrics metrics, Upstreams upstreams, Duration idleTimeout) {}

  private final Context context;
  private final AdmissionRecord record;
  private ChannelHandlerContext ctx;
  private Channel upstream;

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
    if (context.expected().isPresent()) {
      Optional<TlsContexts> contexts = context.tls().current();
      if (contexts.isEmpty()) {
        LOG.warn("outbound to {} needs mTLS but no certificate is loaded yet; closing",
            context.destination());
        ctx.close();
        return;
      }
      connect(channel -> {
        SslHandler tls = contexts.get().client().newHandler(channel.alloc(),
            context.destination().getHostString(), context.destination().getPort());
        tls.setHandshakeTimeoutMillis(0); // AdmissionDeadline times the whole admission
        channel.pipeline().addLast(InboundAdmission.TLS, tls);
        channel.pipeline().addLast(ServerIdentityCheck.NAME, new ServerIdentityCheck());
        channel.pipeline().addLast(RelayHandler.NAME, relay());
      });
    } else if (context.requireMtls()) {
      refuse(HandshakeFailure.PLAINTEXT_REJECTED, context.destination()
          + " is not in the mesh and the outbound policy requires mTLS");
    } else {
      record.plaintext(PlaintextReason.NOT_MESHED);
      connect(channel -> channel.pipeline().addLast(RelayHandler.NAME, relay()));
    }
  }

  private RelayHandler relay() {
    return new RelayHandler(context.metrics().transmittedBytes(Direction.OUTBOUND));
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
    SpiffeId expected = context.expected().orElseThrow();
    try {
      SpiffeId peer = PeerIdentities.of(tls);
      if (!peer.equals(expected)) {
        refuse(HandshakeFailure.IDENTITY_MISMATCH, context.destination() + " presented " + peer
            + " but must be " + expected);
        return;
      }
    } catch (PeerRejectedException e) {
      refuse(e.reason(), e.getMessage());
      return;
    }
    record.succeeded();
    upstream.pipeline().remove(ServerIdentityCheck.NAME);
    admitted();
  }

  private void admitted() {
    AdmissionDeadline.admitted(ctx, context.idleTimeout());
    Channel downstream = ctx.channel();
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
