package dev.palisade.sidecar.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import java.util.List;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Runs around every test class (auto-registered): requires leak detection at PARANOID, and
 * after the class collects garbage and fails if Netty reported any leak. Netty reports a leak
 * when the next object of the same kind is tracked after the leaked one was collected, so a
 * leak may surface in the class after the one that caused it; either way the build fails.
 */
public final class LeakCheckExtension implements BeforeAllCallback, AfterAllCallback {

  private static final int COLLECTION_ROUNDS = 5;

  @Override
  public void beforeAll(ExtensionContext context) {
    assertThat(ResourceLeakDetector.getLevel())
        .as("tests run with -Dio.netty.leakDetection.level=paranoid (sidecar/pom.xml)")
        .isEqualTo(ResourceLeakDetector.Level.PARANOID);
    assertThat(LeakRecorder.installed())
        .as("tests run with -Dio.netty.customResourceLeakDetector=LeakRecorder").isTrue();
  }

  @Override
  public void afterAll(ExtensionContext context) {
    List<String> leaks = collectAndReport();
    assertThat(leaks).as("Netty resource leaks (buffers or TLS engines never released)")
        .isEmpty();
  }

  /** Collects garbage and tracks fresh buffers so queued leaks get reported. */
  public static List<String> collectAndReport() {
    for (int i = 0; i < COLLECTION_ROUNDS; i++) {
      System.gc();
      ByteBufAllocator.DEFAULT.directBuffer(1).release();
      ByteBufAllocator.DEFAULT.heapBuffer(1).release();
      UnpooledByteBufAllocator.DEFAULT.directBuffer(1).release();
    }
    return LeakRecorder.drain();
  }
}
