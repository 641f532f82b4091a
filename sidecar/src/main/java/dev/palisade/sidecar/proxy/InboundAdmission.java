package dev.palisade.sidecar.proxy;

import dev.palisade.common.policy.Authorization;
import dev.palisade.common.policy.InboundPolicy;
import dev.palisade.common.policy.MtlsMode;
import dev.palisade.common.policy.SidecarConfig;
import dev.palisade.sidecar.metrics.Direction;
import dev.palisade.sidecar.metrics.PlaintextReason;
import dev.palisade.sidecar.metrics.ProxyMetrics;
import dev.palisade.sidecar.proxy.ProtocolSniffer.Detected;
import dev.palisade.sidecar.tls.HandshakeFailure;
import dev.palisade.sidecar.tls.HandshakeFailures;
import dev.palisade.sidecar.tls.PeerRejectedException;
import dev.palisade.sidecar.tls.TlsContexts;
import dev.palisade.sidecar.tls.TlsMaterialHolder;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.socket.ChannelInputShutdownEvent;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.ssl.SslHandshakeCompletionEvent;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Decides whether an inbound connection reaches the application, by the port's mTLS mode:
 * STRICT needs a verified mTLS peer, PERMISSIVE also takes plaintext, DISABLE passes bytes
 * through. Whoever gets past that is checked against the access rules, and only then is the
 * application connected (at the address and port the client dialled: {@link InboundDelivery})
 * and the relay started.
 */
final class InboundAdmission extends ChannelInboundHandlerAdapter {

  static final String NAME = "admission";
  static final String TLS = "tls";

  private static final Logger LOG = LoggerFactory.getLogger(InboundAdmission.class);

  /** Everything an inbound connection is decided by, fixed when it is accepted. */
  record Context(int port, MtlsMode mode, InboundPolicy policy, InetSocketAddress application,
      TlsMaterialHolder tls, ProxyMetrics metrics, Upstreams upstreams, InboundDelivery delivery,
      Duration idleTimeout, ConnectionTracker tracker, SidecarConfig config) {}

  private final Context context;
  private final AdmissionRecord record;
  private boolean tlsStarted;

  InboundAdmission(Context context, AdmissionRecord record) {
    this.context = context;
    this.record = record;
  }

  @Override
  public void channelActive(ChannelHandlerContext ctx) {
    ctx.fireChannelActive();
    if (context.mode() == MtlsMode.DISABLE) {
      admit(ctx, Optional.empty(), PlaintextReason.DISABLED);
    } else {
      ctx.read(); // the first bytes, for the sniffer
    }
  }

  @Override
  public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
    switch (evt) {
      case Detected.TLS -> startTls(ctx);
      case Detected.PLAINTEXT -> {
        record.plaintextPeer();
        if (context.mode() == MtlsMode.STRICT) {
          refuse(ctx, HandshakeFailure.PLAINTEXT_REJECTED, "plaintext on a STRICT port");
        } else {
          admit(ctx, Optional.empty(), PlaintextReason.PERMISSIVE);
        }
      }
      case SslHandshakeCompletionEvent done when !done.isSuccess() ->
          refuse(ctx, HandshakeFailures.classify(done.cause()),
              HandshakeFailures.describe(done.cause()));
      case SslHandshakeCompletionEvent done -> {
        try {
          VerifiedPeer peer = PeerIdentities.of(ctx.pipeline().get(SslHandler.class));
          record.identified(peer.id());
          admit(ctx, Optional.of(peer), null);
        } catch (PeerRejectedException e) {
          refuse(ctx, e.reason(), e.getMessage());
        }
      }
      case ChannelInputShutdownEvent shutdown when !record.decided() -> {
        if (tlsStarted) {
          refuse(ctx, HandshakeFailure.PROTOCOL_ERROR, "client closed during the handshake");
        } else {
          ctx.close(); // connected and left without a byte (a TCP probe): nothing to count
        }
      }
      default -> ctx.fireUserEventTriggered(evt);
    }
  }

  private void startTls(ChannelHandlerContext ctx) {
    Optional<TlsContexts> contexts = context.tls().current();
    if (contexts.isEmpty()) {
      LOG.warn("inbound TLS from {} before any certificate was loaded; closing",
          ctx.channel().remoteAddress());
      ctx.close();
      return;
    }
    SslHandler tls = contexts.get().serverHandler(ctx.alloc());
    tls.setHandshakeTimeoutMillis(0); // AdmissionDeadline times the whole admission
    ctx.pipeline().addBefore(ctx.name(), TLS, tls);
    ctx.pipeline().addBefore(TLS, EndOfInputAfterHandshake.NAME,
        new EndOfInputAfterHandshake(tls));
    tlsStarted = true;
  }

  /** @param plaintext why no TLS, or null for an authenticated peer */
  private void admit(ChannelHandlerContext ctx, Optional<VerifiedPeer> peer,
      PlaintextReason plaintext) {
    Authorization authorization = context.policy().authorize(peer.map(VerifiedPeer::id),
        context.port());
    if (plaintext != null) {
      record.plaintextPeer();
    }
    context.metrics().inboundDecision(authorization.decision(), record.peer());
    String who = peer.map(p -> p.id().toString()).orElse("plaintext client");
    if (!authorization.allowed()) {
      refuse(ctx, HandshakeFailure.POLICY_DENIED, who + " denied on port " + context.port()
          + " by " + (authorization.decidedBy() == null ? "the default (an ALLOW rule exists"
          + " but none matches)" : authorization.decidedBy()));
      return;
    }
    if (!authorization.audited().isEmpty()) {
      LOG.info("audit: {} from {} to port {} allowed; matched {}", who,
          ctx.channel().remoteAddress(), context.port(), authorization.audited());
    }
    if (plaintext == null) {
      record.succeeded(ctx.pipeline().get(SslHandler.class));
    } else {
      record.plaintext(plaintext);
    }
    AdmissionDeadline.admitted(ctx, context.idleTimeout());
    Channel downstream = ctx.channel();
    context.tracker().established(downstream, new Admitted(Direction.INBOUND, context.port(),
        peer, record.peer()), context.config());
    InetSocketAddress application = context.application();
    ctx.pipeline().remove(this);
    context.upstreams().connect(downstream, application, context.delivery().source(application),
            channel -> channel.pipeline().addLast(RelayHandler.NAME,
                new RelayHandler(record::relayed)))
        .addListener((ChannelFutureListener) connected -> {
          Channel upstream = connected.channel();
          if (!connected.isSuccess()) {
            LOG.warn("cannot reach the application at {}: {}", application,
                connected.cause().toString());
            downstream.close();
          } else if (!downstream.isActive()) {
            upstream.close();
          } else {
            Relay.join(downstream, upstream);
          }
        });
  }

  private void refuse(ChannelHandlerContext ctx, HandshakeFailure reason, String detail) {
    if (record.failed(reason)) {
      LOG.info("inbound {} refused ({}): {}", ctx.channel().remoteAddress(), reason.label(),
          detail);
    }
    ctx.close();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    // A handshake failure also arrives as SslHandshakeCompletionEvent; the record counts once.
    refuse(ctx, HandshakeFailures.classify(cause), HandshakeFailures.describe(cause));
  }
}
