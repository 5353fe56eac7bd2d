package io.strategybench.testing;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.PooledByteBufAllocator;
import io.netty.buffer.UnpooledByteBufAllocator;
import io.netty.util.ResourceLeakDetector;
import io.netty.util.ResourceLeakDetectorFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Fails a test class when a Netty buffer it touched was garbage-collected without being released.
 *
 * <p>Registered for every test through JUnit's extension auto-detection, so its factory is installed
 * before any allocator exists; with {@code -Dio.netty.leakDetectionLevel=paranoid} (set by the build) every
 * buffer is tracked. After each class it collects garbage and churns buffers until Netty has reported what
 * leaked, then asserts that nothing did.
 */
public final class LeakGuard implements AfterAllCallback {
  private static final List<String> LEAKS = new CopyOnWriteArrayList<>();

  static {
    ResourceLeakDetectorFactory.setResourceLeakDetectorFactory(new RecordingFactory());
  }

  @Override
  public void afterAll(ExtensionContext context) throws InterruptedException {
    for (int round = 0; round < 4; round++) {
      System.gc();
      Thread.sleep(20);
      List<ByteBuf> churn = new ArrayList<>();
      for (int i = 0; i < 64; i++) {
        churn.add(PooledByteBufAllocator.DEFAULT.buffer(16));
        churn.add(UnpooledByteBufAllocator.DEFAULT.buffer(16));
      }
      churn.forEach(ByteBuf::release);
    }
    List<String> found = new ArrayList<>(LEAKS);
    LEAKS.clear();
    assertThat(found).as("Netty buffers leaked by %s", context.getDisplayName()).isEmpty();
  }

  /** Records leaks as they are reported. */
  static final class RecordingFactory extends ResourceLeakDetectorFactory {
    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval, long maxActive) {
      return new RecordingDetector<>(resource, samplingInterval);
    }

    @Override
    public <T> ResourceLeakDetector<T> newResourceLeakDetector(Class<T> resource, int samplingInterval) {
      return new RecordingDetector<>(resource, samplingInterval);
    }
  }

  static final class RecordingDetector<T> extends ResourceLeakDetector<T> {
    RecordingDetector(Class<T> resource, int samplingInterval) {
      super(resource, samplingInterval);
    }

    @Override
    protected boolean needReport() {
      return true;
    }

    @Override
    protected void reportTracedLeak(String resourceType, String records) {
      LEAKS.add(resourceType + " leaked:" + records);
    }

    @Override
    protected void reportUntracedLeak(String resourceType) {
      LEAKS.add(resourceType + " leaked (untraced)");
    }
  }
}
