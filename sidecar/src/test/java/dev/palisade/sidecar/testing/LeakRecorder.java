package dev.palisade.sidecar.testing;

import io.netty.util.ResourceLeakDetector;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Netty's leak detector, installed for every test JVM by
 * {@code -Dio.netty.customResourceLeakDetector} (see sidecar/pom.xml), that also remembers each
 * leak so {@link LeakCheckExtension} can fail the build instead of leaving a log line.
 */
public final class LeakRecorder<T> extends ResourceLeakDetector<T> {

  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  public LeakRecorder(Class<?> resourceType, int samplingInterval) {
    super(resourceType, samplingInterval);
  }

  /** The form Netty tries first; without it Netty logs an error before falling back. */
  public LeakRecorder(Class<?> resourceType, int samplingInterval, long maxActive) {
    this(resourceType, samplingInterval);
  }

  @Override
  protected void reportTracedLeak(String resourceType, String records) {
    LEAKS.add("LEAK: " + resourceType + records);
    super.reportTracedLeak(resourceType, records);
  }

  @Override
  protected void reportUntracedLeak(String resourceType) {
    LEAKS.add("LEAK: " + resourceType + " (untraced)");
    super.reportUntracedLeak(resourceType);
  }

  /** Leaks reported so far, and forgets them. */
  public static List<String> drain() {
    List<String> leaks = List.copyOf(LEAKS);
    LEAKS.removeAll(leaks);
    return leaks;
  }

  /** Whether this JVM really reports through us (the pom's argLine is in effect). */
  public static boolean installed() {
    return io.netty.util.ResourceLeakDetectorFactory.instance()
        .newResourceLeakDetector(Object.class) instanceof LeakRecorder;
  }
}
