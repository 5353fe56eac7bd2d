package io.strategybench.idempotency.redis;

import io.lettuce.core.KeyScanCursor;
import io.lettuce.core.ScanArgs;
import io.lettuce.core.ScanCursor;
import io.lettuce.core.api.sync.RedisCommands;
import java.util.List;

/** Deleting the keys under one prefix, and only those: SCAN MATCH and UNLINK, never FLUSHDB or FLUSHALL. */
final class RedisKeys {
  private RedisKeys() {}

  /** Deletes every key that starts with {@code prefix}, waiting for Redis; answers how many it deleted. */
  static long deleteByPrefix(RedisLink link, String prefix) {
    RedisCommands<String, byte[]> sync = link.connection().sync();
    ScanArgs args = ScanArgs.Builder.matches(glob(prefix) + "*").limit(1000);
    long deleted = 0;
    ScanCursor cursor = ScanCursor.INITIAL;
    do {
      KeyScanCursor<String> page = sync.scan(cursor, args);
      List<String> keys = page.getKeys();
      if (!keys.isEmpty()) {
        deleted += sync.unlink(keys.toArray(String[]::new));
      }
      cursor = page;
    } while (!cursor.isFinished());
    return deleted;
  }

  /** {@code text} as a SCAN pattern that matches only itself: glob characters escaped. */
  static String glob(String text) {
    StringBuilder b = new StringBuilder(text.length() + 8);
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c == '*' || c == '?' || c == '[' || c == ']' || c == '\\') {
        b.append('\\');
      }
      b.append(c);
    }
    return b.toString();
  }
}
