package io.strategybench.run;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Consumer;

/**
 * One load step at a time on a machine: two runs loading the same cores measure each other. A step holds an
 * exclusive lock of {@code strategybench-load.lock} in the temporary folder (a file lock, so it spans JVMs and is
 * let go when a process dies); a second run waits for it, and says so.
 */
final class MachineLock implements AutoCloseable {
  /** File locks belong to the JVM; within one, steps queue on this. */
  private static final ReentrantLock IN_PROCESS = new ReentrantLock();

  private final FileChannel channel;
  private final FileLock lock;

  private MachineLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  static MachineLock acquire(Consumer<String> progress) throws IOException, InterruptedException {
    IN_PROCESS.lockInterruptibly();
    try {
      Path file = Path.of(System.getProperty("java.io.tmpdir"), "strategybench-load.lock");
      FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
      FileLock lock = tryLock(channel);
      boolean said = false;
      while (lock == null) {
        if (!said) {
          progress.accept("waiting: another StrategyBench run is loading this machine (" + file + ")");
          said = true;
        }
        Thread.sleep(500);
        lock = tryLock(channel);
      }
      return new MachineLock(channel, lock);
    } catch (IOException | InterruptedException | RuntimeException e) {
      IN_PROCESS.unlock();
      throw e;
    }
  }

  private static FileLock tryLock(FileChannel channel) throws IOException {
    try {
      return channel.tryLock();
    } catch (OverlappingFileLockException e) {
      return null;
    }
  }

  @Override
  public void close() {
    try {
      lock.release();
      channel.close();
    } catch (IOException e) {
      // the lock goes with the channel, or with the process
    } finally {
      IN_PROCESS.unlock();
    }
  }
}
