package dev.palisade.sidecar.tls;

import dev.palisade.common.pki.Pem;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Certificate material from PEM files ({@code tls.crt} leaf then chain, {@code tls.key},
 * {@code ca.crt}), as a mounted Secret or a standalone run provides them. The files are re-read
 * every {@code pollInterval} and published when their content changed: polling content rather
 * than watching inodes survives the symlink swaps kubelet uses for Secret volumes.
 */
public final class PemFilesCertificateSource implements CertificateSource {

  private static final Logger LOG = LoggerFactory.getLogger(PemFilesCertificateSource.class);

  private final Path certificateChain;
  private final Path privateKey;
  private final Path trustBundle;
  private final Duration pollInterval;
  private final ScheduledExecutorService scheduler = Executors.newSingleThreadScheduledExecutor(
      runnable -> Thread.ofPlatform().daemon().name("palisade-pem-reload").unstarted(runnable));
  private byte[] lastSeen = new byte[0];

  public PemFilesCertificateSource(Path certificateChain, Path privateKey, Path trustBundle,
      Duration pollInterval) {
    this.certificateChain = certificateChain;
    this.privateKey = privateKey;
    this.trustBundle = trustBundle;
    this.pollInterval = pollInterval;
  }

  /** Loads the files once, now (errors are logged and retried at the next poll), then polls. */
  @Override
  public void start(TlsMaterialSink sink) {
    reloadIfChanged(sink);
    scheduler.scheduleWithFixedDelay(() -> reloadIfChanged(sink), pollInterval.toMillis(),
        pollInterval.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Publishes the files if their content differs from the last attempt; true if published. */
  synchronized boolean reloadIfChanged(TlsMaterialSink sink) {
    try {
      String chain = Files.readString(certificateChain, StandardCharsets.US_ASCII);
      String key = Files.readString(privateKey, StandardCharsets.US_ASCII);
      String bundle = Files.readString(trustBundle, StandardCharsets.US_ASCII);
      byte[] digest = digest(chain, key, bundle);
      if (Arrays.equals(digest, lastSeen)) {
        return false;
      }
      // Remember even a failed attempt: a half-written pair is retried once it changes again.
      lastSeen = digest;
      sink.publish(new TlsMaterial(Pem.parseCertificates(chain), Pem.parsePrivateKey(key),
          Pem.parseCertificates(bundle)));
      LOG.info("loaded certificate material from {}", certificateChain);
      return true;
    } catch (IOException e) {
      LOG.error("cannot read certificate material: {}", e.toString());
    } catch (IllegalArgumentException e) {
      LOG.error("unusable PEM in {}, {} or {}: {}", certificateChain, privateKey, trustBundle,
          e.getMessage());
    } catch (InvalidTlsMaterialException e) {
      // already logged and counted by the holder
    }
    return false;
  }

  private static byte[] digest(String... parts) {
    try {
      MessageDigest sha = MessageDigest.getInstance("SHA-256");
      for (String part : parts) {
        sha.update(part.getBytes(StandardCharsets.US_ASCII));
        sha.update((byte) 0);
      }
      return sha.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    scheduler.shutdownNow();
  }
}
