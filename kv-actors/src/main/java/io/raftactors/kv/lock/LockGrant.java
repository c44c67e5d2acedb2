package io.raftactors.kv.lock;

import io.raftactors.kv.Bytes;
import io.raftactors.kv.KvClient;
import io.raftactors.kv.WatchEvent;
import io.raftactors.raft.ReadConsistency;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * A lock, permit or leadership held: its name, the key of its entry, and its fencing token (the
 * entry's create revision). Tokens of one lock strictly increase from holder to holder: pass the
 * token with every write the lock guards ({@link KvClient#fencedPut}) and a holder that lost the
 * lock without noticing (a long GC pause, a partition) is refused.
 */
public final class LockGrant {
  private final String name;
  private final Bytes key;
  private final long token;
  private final CompletableFuture<String> lost = new CompletableFuture<>();
  private final LockSession session;
  private final KvClient client;
  private KvClient.Watch watch;
  private boolean watching;

  private LockGrant(KvClient client, String name, Bytes key, long token, LockSession session) {
    this.client = client;
    this.name = name;
    this.key = key;
    this.token = token;
    this.session = session;
  }

  /** A grant of the entry {@code key}; its loss is watched for once somebody asks ({@link #lost()}). */
  static LockGrant held(KvClient client, String name, Bytes key, long token, LockSession session) {
    LockGrant g = new LockGrant(client, name, key, token, session);
    if (session != null) session.hold(g);
    return g;
  }

  public String name() {
    return name;
  }

  /** The fencing token: strictly increases with every grant of this lock. */
  public long token() {
    return token;
  }

  /**
   * Whether the holder may still act on it: not lost, and its session certainly alive ({@link
   * LockSession#isValid()}). Check it right before each action it guards, and fence the action
   * too: between the check and the action, a pause can still outlast the session.
   */
  public boolean isValid() {
    lost(); // watches the entry from the first question on
    return !lost.isDone() && (session == null || session.isValid());
  }

  /** Whether it is known to be lost (its entry deleted, or its session over). */
  boolean isLost() {
    return lost.isDone() && !lost.isCancelled();
  }

  /** The session the grant belongs to. */
  public LockSession session() {
    return session;
  }

  /** The key of the entry that holds the lock. */
  public Bytes key() {
    return key;
  }

  /**
   * Completes, with the reason, if the lock is lost while held (its session ended, its entry was
   * deleted); never after a release by its holder.
   */
  public CompletionStage<String> lost() {
    synchronized (this) {
      if (!watching && !lost.isDone()) {
        watching = true;
        // From the grant on (the entry's revision): a deletion before this call is still seen.
        watch = client.watch(key, false, token + 1, e -> {
          if (e.type() == WatchEvent.Type.DELETE) lose("its entry " + key + " was deleted (session or TTL ended)");
        }, cancelled -> client.get(key, ReadConsistency.LINEARIZABLE).thenAccept(kv -> {
          if (kv.isEmpty()) lose("its entry " + key + " is gone (session or TTL ended)");
        }));
      }
    }
    return lost;
  }

  void lose(String reason) {
    if (lost.complete(reason)) stopWatching();
    if (session != null) session.forget(this);
  }

  /** The holder released it: no more loss is reported. */
  void released() {
    lost.cancel(false);
    stopWatching();
    if (session != null) session.forget(this);
  }

  private synchronized void stopWatching() {
    if (watch != null) watch.cancel();
    watch = null;
  }

  @Override
  public String toString() {
    return "LockGrant[" + name + ", token " + token + "]";
  }
}
