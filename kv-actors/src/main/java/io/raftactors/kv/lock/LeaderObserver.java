package io.raftactors.kv.lock;

import akka.actor.Cancellable;
import io.raftactors.kv.Bytes;
import io.raftactors.kv.KeyValue;
import io.raftactors.kv.KvClient;
import io.raftactors.raft.ReadConsistency;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * Follows an election's leader: watches its queue and reads the head again after every change
 * (and every recheck interval, in case the watch's replica went down); tells the listener each
 * time the leader or its value differs from what it last told.
 */
public final class LeaderObserver {
  private final KvClient client;
  private final Bytes prefix;
  private final Function<List<KeyValue>, Optional<KvElection.Leader>> head;
  private final Consumer<Optional<KvElection.Leader>> listener;
  private final Duration recheck;
  private Optional<KvElection.Leader> told;
  private boolean checking;
  private boolean checkAgain;
  private boolean cancelled;
  private KvClient.Watch watch;
  private Cancellable timer;

  LeaderObserver(KvClient client, Bytes prefix, Function<List<KeyValue>, Optional<KvElection.Leader>> head,
      Consumer<Optional<KvElection.Leader>> listener, Duration recheck) {
    this.client = client;
    this.prefix = prefix;
    this.head = head;
    this.listener = listener;
    this.recheck = recheck;
  }

  LeaderObserver start() {
    check();
    return this;
  }

  private synchronized void check() {
    if (cancelled) return;
    if (checking) {
      checkAgain = true;
      return;
    }
    checking = true;
    client.range(prefix, 0, ReadConsistency.LINEARIZABLE).whenComplete((r, error) -> {
      synchronized (this) {
        checking = false;
        if (cancelled) return;
        if (error == null) {
          Optional<KvElection.Leader> now = head.apply(r.kvs());
          if (!Objects.equals(now, told)) {
            told = now;
            listener.accept(now); // under the lock: the listener hears changes in order
          }
          if (watch == null) {
            watch = client.watch(prefix, true, r.revision() + 1, e -> check(), c -> {
              synchronized (this) {
                watch = null;
              }
              check();
            });
          }
        }
        if (timer != null) timer.cancel();
        timer = client.system().scheduler().scheduleOnce(recheck, this::check, client.system().executionContext());
        if (checkAgain) {
          checkAgain = false;
          check();
        }
      }
    });
  }

  /** Stops observing. */
  public synchronized void cancel() {
    cancelled = true;
    if (watch != null) watch.cancel();
    if (timer != null) timer.cancel();
  }
}
