package io.raftactors.kv.lock;

import io.raftactors.kv.KeyValue;
import java.util.List;

/**
 * A distributed read-write lock, ZooKeeper's shared-lock recipe: readers and writers queue in one
 * queue of entries; a reader holds once no writer is queued before it (it watches only the last
 * such writer), a writer once nobody is (it watches only the entry right before it). First come,
 * first served: a writer waiting behind readers is not overtaken by readers that arrive after it.
 * Each side is a {@link KvLock}, reentrant for its owner.
 */
public final class KvReadWriteLock {
  static final String READ_TAG = "read:";
  static final String WRITE_TAG = "write:";

  /** A reader waits for the last writer queued before it. */
  static final QueueWaiter.Rule READER = (List<KeyValue> ahead, KeyValue own) -> {
    for (int i = ahead.size() - 1; i >= 0; i--) {
      if (ahead.get(i).value().utf8().startsWith(WRITE_TAG)) return ahead.get(i);
    }
    return null;
  };

  private final KvLock read;
  private final KvLock write;

  KvReadWriteLock(KvLock read, KvLock write) {
    this.read = read;
    this.write = write;
  }

  /**
   * The shared side, owned by this object (one {@code KvReadWriteLock} per owner). A writer that
   * also asks for the read side waits for itself: release the write side first.
   */
  public KvLock readLock() {
    return read;
  }

  public KvLock writeLock() {
    return write;
  }
}
